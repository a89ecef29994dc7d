package dev.quarry.index;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adapts a {@link Retriever} to langchain4j's {@link ContentRetriever}, so an {@code AiServices}
 * {@code RetrievalAugmentor} can search a Quarry index. Each {@link Content} carries the chunk text and, as
 * segment metadata, the citation fields: {@code document_id}, {@code chunk}, {@code start}, {@code end},
 * {@code title}, {@code source}, plus the document's own metadata.
 */
public final class LuceneContentRetriever implements ContentRetriever {

    private final Retriever retriever;
    private final SearchMode mode;
    private final int maxResults;

    public LuceneContentRetriever(Retriever retriever, SearchMode mode, int maxResults) {
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.mode = Objects.requireNonNull(mode, "mode");
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be >= 1");
        }
        this.maxResults = maxResults;
    }

    /** Hybrid search when the retriever has vectors, BM25 otherwise; top 5. */
    public static LuceneContentRetriever of(Retriever retriever) {
        return new LuceneContentRetriever(
                retriever, retriever.supportsVectors() ? SearchMode.HYBRID : SearchMode.BM25, 5);
    }

    @Override
    public List<Content> retrieve(Query query) {
        if (query.text() == null || query.text().isBlank()) {
            return List.of();
        }
        List<Hit> hits = retriever.search(
                SearchRequest.builder(query.text()).mode(mode).k(maxResults).build());
        return hits.stream().map(LuceneContentRetriever::toContent).toList();
    }

    private static Content toContent(Hit hit) {
        Metadata metadata = Metadata.from(hit.metadata())
                .put("document_id", hit.documentId())
                .put("chunk", hit.chunkOrdinal())
                .put("start", hit.startOffset())
                .put("end", hit.endOffset())
                .put("title", hit.title())
                .put("source", hit.sourceUri());
        return Content.from(TextSegment.from(hit.text(), metadata), Map.of(ContentMetadata.SCORE, hit.score()));
    }
}
