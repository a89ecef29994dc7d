package dev.quarry.index;

import java.util.List;

/**
 * A searchable store of chunked documents: what a retrieval backend offers besides search. Implemented by
 * {@link LuceneIndex} on one machine and by the OpenSearch backend on a cluster, so agents and tools that
 * take a {@link Retriever} or {@link DocumentStore} work on either without change.
 *
 * <p>The contract: a document is chunked and stored under its id; writing an id again replaces all of
 * its chunks; after {@link #commit()} returns, every write before it is durable and visible to searches.
 */
public interface SearchIndex extends Retriever, DocumentStore, AutoCloseable {

    /** Adds the document, or replaces every chunk of the document with the same id. Returns its chunk count. */
    default int upsert(Document document) {
        return upsertAll(List.of(document));
    }

    /** Adds or replaces documents. Returns the number of chunks written. */
    int upsertAll(List<Document> documents);

    /** Removes the document and all its chunks; a no-op when the id is unknown. */
    void delete(String documentId);

    /** Makes every write so far durable and visible to searches. */
    void commit();

    /** Releases the index's resources; the instance is unusable afterwards. */
    @Override
    void close();
}
