package dev.quarry.mcp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The documents a {@link QuarryMcpServer} serves as MCP resources: {@code quarry://doc/{id}} for a whole
 * document, {@code quarry://doc/{id}/chunk/{ordinal}} for one indexed chunk. An application backs it with its
 * index (the {@code quarry} command line adapts a {@code LuceneIndex} in a few lines); agent-mcp does not
 * depend on an index implementation.
 */
public interface McpDocuments {

    /**
     * At most {@code limit} document ids in their natural order, the first of them the smallest id not less
     * than {@code from} ("" for the very first).
     */
    List<String> ids(String from, int limit);

    /** The document with this id, or empty when there is none. */
    Optional<Text> document(String id);

    /** The chunk of a document at this ordinal, or empty when the document or ordinal does not exist. */
    Optional<Text> chunk(String id, int ordinal);

    /** A document or chunk as served: its title (for a listing) and its text. */
    record Text(String title, String text) {
        /** Checks both are present. */
        public Text {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(text, "text");
        }
    }
}
