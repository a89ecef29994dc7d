package dev.quarry.agent.tool;

/**
 * A pointer to the exact source span a result rests on.
 *
 * @param documentId id of the cited document
 * @param chunk chunk ordinal within the document, or -1 for the whole document
 * @param startOffset first character of the span in the document text
 * @param endOffset one past the last character
 * @param title document title, may be empty
 * @param source document source URI, may be empty
 */
public record Citation(String documentId, int chunk, int startOffset, int endOffset, String title, String source) {

    /** {@code documentId#chunk[start-end]}, the form tools and answers print. */
    public String label() {
        return documentId + "#" + chunk + "[" + startOffset + "-" + endOffset + "]";
    }
}
