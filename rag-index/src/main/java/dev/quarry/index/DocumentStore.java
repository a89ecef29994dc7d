package dev.quarry.index;

import java.util.Optional;

/** Reads indexed documents and chunks back by id, for tools that quote or expand a citation. */
public interface DocumentStore {

    /** The document as it was indexed, or empty if no document has that id. */
    Optional<Document> document(String documentId);

    /** One chunk of a document, or empty if the document or ordinal does not exist. */
    Optional<Chunk> chunk(String documentId, int ordinal);
}
