package dev.quarry.examples;

import dev.quarry.index.LuceneIndex;
import dev.quarry.mcp.McpDocuments;
import java.util.List;
import java.util.Optional;

/** A {@link LuceneIndex}'s documents and chunks as the MCP resources {@code quarry mcp} serves. */
final class IndexDocuments implements McpDocuments {

    private final LuceneIndex index;

    IndexDocuments(LuceneIndex index) {
        this.index = index;
    }

    @Override
    public List<String> ids(String from, int limit) {
        return index.documentIds().tailSet(from).stream().limit(limit).toList();
    }

    @Override
    public Optional<Text> document(String id) {
        return index.document(id).map(d -> new Text(d.title().isEmpty() ? d.id() : d.title(), d.text()));
    }

    @Override
    public Optional<Text> chunk(String id, int ordinal) {
        return index.chunk(id, ordinal).map(c -> new Text(c.documentId() + "#" + c.ordinal(), c.text()));
    }
}
