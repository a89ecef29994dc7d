package dev.quarry.index;

import java.util.Map;
import java.util.Objects;

/**
 * A source document as it enters the index: a stable id, the text that chunks and citations point into,
 * an optional title and source URI, and string metadata usable in search filters.
 *
 * <p>The id is the unit of update: {@link LuceneIndex#upsert(Document)} replaces every chunk of the
 * document with the same id.
 *
 * @param id stable identifier, unique in an index; not blank
 * @param text the full text; every chunk's offsets are positions in this string
 * @param title a human-readable title, may be empty
 * @param sourceUri where the document came from (file URI, URL), may be empty
 * @param metadata string key/values, copied; keys must be non-blank
 */
public record Document(String id, String text, String title, String sourceUri, Map<String, String> metadata) {

    public Document {
        Objects.requireNonNull(id, "document id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("document id must not be blank");
        }
        Objects.requireNonNull(text, () -> "text of document " + id);
        title = title == null ? "" : title;
        sourceUri = sourceUri == null ? "" : sourceUri;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        for (String key : metadata.keySet()) {
            if (key.isBlank()) {
                throw new IllegalArgumentException("document " + id + " has a blank metadata key");
            }
        }
    }

    /** A document with only an id and text. */
    public static Document of(String id, String text) {
        return new Document(id, text, "", "", Map.of());
    }

    /** This document with one more metadata entry. */
    public Document withMetadata(String key, String value) {
        var copy = new java.util.HashMap<>(metadata);
        copy.put(key, value);
        return new Document(id, text, title, sourceUri, copy);
    }
}
