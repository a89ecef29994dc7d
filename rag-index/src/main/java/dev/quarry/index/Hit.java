package dev.quarry.index;

import java.util.Map;

/**
 * One retrieved chunk with everything needed to cite it.
 *
 * @param documentId id of the document the chunk belongs to
 * @param chunkOrdinal the chunk's position in its document
 * @param startOffset first character of the chunk in the document text
 * @param endOffset one past the last character
 * @param score ranking score; comparable only within one result list
 * @param title document title
 * @param sourceUri document source
 * @param text the chunk text (exactly {@code documentText.substring(startOffset, endOffset)})
 * @param snippet a short extract with query terms marked {@code <b>..</b>}
 * @param metadata document metadata
 */
public record Hit(
        String documentId,
        int chunkOrdinal,
        int startOffset,
        int endOffset,
        double score,
        String title,
        String sourceUri,
        String text,
        String snippet,
        Map<String, String> metadata) {

    /** Characters of a chunk's start shown as its snippet when no query term could be highlighted. */
    public static final int FALLBACK_SNIPPET_CHARS = 240;

    public Hit {
        metadata = Map.copyOf(metadata);
    }

    /** The snippet of a chunk with nothing highlighted: its first {@link #FALLBACK_SNIPPET_CHARS} characters. */
    public static String fallbackSnippet(String text) {
        return text.length() <= FALLBACK_SNIPPET_CHARS ? text : text.substring(0, FALLBACK_SNIPPET_CHARS) + "...";
    }

    /** A compact citation: {@code documentId#ordinal[start-end]}. */
    public String citation() {
        return documentId + "#" + chunkOrdinal + "[" + startOffset + "-" + endOffset + "]";
    }

    /** This hit with another score (used by fusion). */
    public Hit withScore(double newScore) {
        return new Hit(
                documentId, chunkOrdinal, startOffset, endOffset, newScore, title, sourceUri, text, snippet, metadata);
    }
}
