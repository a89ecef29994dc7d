package dev.quarry.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.index.Hit;
import dev.quarry.index.Retriever;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code search}: queries a {@link Retriever} and returns the hits, each labelled with the citation the
 * model should quote ({@code [docId#chunk[start-end]]}). Read-only and idempotent.
 *
 * <p>Arguments: {@code query} (required), {@code mode} (bm25, vector, hybrid; default hybrid when the
 * index has vectors), {@code k} (1-20, default 5), {@code filters} (metadata key to required value).
 */
public final class SearchTool implements Tool {

    private final Retriever retriever;
    private final ToolSpecification specification;

    public SearchTool(Retriever retriever) {
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.specification = ToolSpecification.builder()
                .name("search")
                .description("Search the document index. Returns the best passages, each with a citation label"
                        + " to quote in the answer.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("query", "what to look for, in plain words")
                        .addEnumProperty("mode", List.of("bm25", "vector", "hybrid"), "ranking; default hybrid")
                        .addIntegerProperty("k", "number of passages, 1-20; default 5")
                        .addProperty(
                                "filters",
                                JsonObjectSchema.builder()
                                        .description("metadata key -> required value")
                                        .build())
                        .required("query")
                        .build())
                .build();
    }

    /** It only reads: no approval needed, retried on transient failures. */
    @Override
    public ToolPolicy policy() {
        return ToolPolicy.readOnly();
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext context) throws ToolException {
        SearchMode defaultMode = retriever.supportsVectors() ? SearchMode.HYBRID : SearchMode.BM25;
        SearchMode mode = SearchMode.valueOf(
                Schemas.text(arguments, "mode", defaultMode.name()).toUpperCase(Locale.ROOT));
        if (mode != SearchMode.BM25 && !retriever.supportsVectors()) {
            mode = SearchMode.BM25;
        }
        SearchRequest.Builder request = SearchRequest.builder(
                        arguments.get("query").asText())
                .mode(mode)
                .k(Schemas.intArg(arguments, "k", 5, 1, 20));
        JsonNode filters = arguments.get("filters");
        if (filters != null && filters.isObject()) {
            for (Map.Entry<String, JsonNode> filter : filters.properties()) {
                request.filter(filter.getKey(), filter.getValue().asText());
            }
        }
        List<Hit> hits;
        try {
            hits = retriever.search(request.build());
        } catch (IllegalArgumentException e) {
            throw new ToolException("search failed: " + e.getMessage());
        }
        if (hits.isEmpty()) {
            return ToolResult.of("No passages match.");
        }
        StringBuilder text = new StringBuilder();
        List<Citation> citations = new ArrayList<>();
        for (Hit hit : hits) {
            Citation citation = citationOf(hit);
            citations.add(citation);
            text.append('[').append(citation.label()).append("] ");
            if (!hit.title().isBlank()) {
                text.append(hit.title()).append(": ");
            }
            text.append(hit.text().replace('\n', ' ')).append("\n\n");
        }
        return ToolResult.of(text.toString().strip(), citations);
    }

    static Citation citationOf(Hit hit) {
        return new Citation(
                hit.documentId(), hit.chunkOrdinal(), hit.startOffset(), hit.endOffset(), hit.title(), hit.sourceUri());
    }
}
