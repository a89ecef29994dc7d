package dev.quarry.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.index.Chunk;
import dev.quarry.index.DocumentStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code summarise}: a map-reduce summary of documents with the agent's own model. Every chunk is
 * summarised by its own model call, all at once on the run's threads ({@link ToolContext#parallel}); one
 * more call combines the partial summaries within the word budget. Each partial summary keeps its chunk's
 * citation label, so the result cites its sources.
 */
public final class SummariseTool implements Tool {

    /** First words of the map instruction (one chunk). */
    public static final String MAP_INSTRUCTION = "Summarise the passage";

    /** First words of the reduce instruction (combining partial summaries). */
    public static final String REDUCE_INSTRUCTION = "Combine the summaries";

    /** Most chunks summarised in one call, to bound cost. */
    public static final int MAX_CHUNKS = 64;

    private final DocumentStore store;
    private final ToolSpecification specification;

    public SummariseTool(DocumentStore store) {
        this.store = Objects.requireNonNull(store, "store");
        this.specification = ToolSpecification.builder()
                .name("summarise")
                .description("Summarise one or more documents by id, citing their passages.")
                .parameters(JsonObjectSchema.builder()
                        .addProperty(
                                "document_ids",
                                JsonArraySchema.builder()
                                        .items(new JsonStringSchema())
                                        .description("ids of the documents to summarise")
                                        .build())
                        .addIntegerProperty("max_words", "length budget of the summary, 20-500; default 150")
                        .required("document_ids")
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
    public ToolResult execute(ObjectNode arguments, ToolContext context) throws Exception {
        ChatModel model = context.model()
                .orElseThrow(() -> new ToolException("summarise needs the agent's model, and this run has none"));
        int maxWords = Schemas.intArg(arguments, "max_words", 150, 20, 500);
        List<Chunk> chunks = new ArrayList<>();
        for (var id : arguments.get("document_ids")) {
            String documentId = id.asText();
            if (store.document(documentId).isEmpty()) {
                throw new ToolException("no document " + documentId);
            }
            for (int ordinal = 0; chunks.size() < MAX_CHUNKS; ordinal++) {
                Optional<Chunk> chunk = store.chunk(documentId, ordinal);
                if (chunk.isEmpty()) {
                    break;
                }
                chunks.add(chunk.get());
            }
        }
        if (chunks.isEmpty()) {
            throw new ToolException("document_ids must name at least one document");
        }
        int perChunk = Math.max(15, maxWords * 2 / chunks.size());
        List<Callable<String>> map = new ArrayList<>();
        List<Citation> citations = new ArrayList<>();
        for (Chunk chunk : chunks) {
            Citation citation =
                    new Citation(chunk.documentId(), chunk.ordinal(), chunk.startOffset(), chunk.endOffset(), "", "");
            citations.add(citation);
            map.add(() -> "[" + citation.label() + "] "
                    + ask(model, MAP_INSTRUCTION + " in at most " + perChunk + " words.", chunk.text()));
        }
        List<String> partial = context.parallel(map);
        String summary = partial.size() == 1
                ? partial.getFirst()
                : ask(
                        model,
                        REDUCE_INSTRUCTION + " into one of at most " + maxWords
                                + " words. Keep the [citation] labels of the facts you use.",
                        String.join("\n", partial));
        return ToolResult.of(summary, citations);
    }

    private static String ask(ChatModel model, String instruction, String text) {
        return model.chat(ChatRequest.builder()
                        .messages(SystemMessage.from(instruction), UserMessage.from(text))
                        .build())
                .aiMessage()
                .text();
    }
}
