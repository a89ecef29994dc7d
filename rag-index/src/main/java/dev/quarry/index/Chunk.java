package dev.quarry.index;

/**
 * A bounded span of a document's text: the unit that is indexed, retrieved and cited.
 *
 * @param documentId the id of the document this chunk was cut from
 * @param ordinal position of the chunk within its document, from 0
 * @param startOffset index of the first character of the chunk in the document text
 * @param endOffset index one past the last character; {@code text.equals(document.text().substring(start, end))}
 * @param text the chunk's text, exactly the span it cites
 */
public record Chunk(String documentId, int ordinal, int startOffset, int endOffset, String text) {

    public Chunk {
        if (startOffset < 0 || endOffset < startOffset) {
            throw new IllegalArgumentException(
                    "bad chunk offsets [" + startOffset + ", " + endOffset + ") in document " + documentId);
        }
        if (text.length() != endOffset - startOffset) {
            throw new IllegalArgumentException("chunk text length does not match its offsets in " + documentId);
        }
    }
}
