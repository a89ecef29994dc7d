package dev.quarry.tools;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.index.Chunk;
import dev.quarry.index.Document;
import dev.quarry.index.DocumentStore;
import java.util.List;

/**
 * {@code read_document} and {@code read_chunk}: fetch text by id from a {@link DocumentStore}, bounded in
 * size, with the offsets cited. Both read-only.
 */
public final class ReadTools {

    /** Most characters {@code read_document} returns in one call. */
    public static final int MAX_CHARS = 8_000;

    private ReadTools() {}

    /** Both tools over one store. */
    public static List<Tool> over(DocumentStore store) {
        return List.of(readDocument(store), readChunk(store));
    }

    /** {@code read_document(document_id, start?, max_chars?)}: a window of a document's text. */
    public static Tool readDocument(DocumentStore store) {
        ToolSpecification specification = ToolSpecification.builder()
                .name("read_document")
                .description("Read a document's text by id, from an offset, at most " + MAX_CHARS + " characters.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("document_id", "id from a search result")
                        .addIntegerProperty("start", "character offset to start at; default 0")
                        .addIntegerProperty("max_chars", "most characters to return; default and limit " + MAX_CHARS)
                        .required("document_id")
                        .build())
                .build();
        return Tool.of(specification, ToolPolicy.readOnly(), (arguments, context) -> {
            String id = arguments.get("document_id").asText();
            Document document = store.document(id).orElseThrow(() -> new ToolException("no document " + id));
            int length = document.text().length();
            int start = Schemas.intArg(arguments, "start", 0, 0, Math.max(0, length));
            int end = Math.min(length, start + Schemas.intArg(arguments, "max_chars", MAX_CHARS, 1, MAX_CHARS));
            String text = document.text().substring(start, end);
            String more =
                    end < length ? "\n[" + (length - end) + " more characters; read on with start=" + end + "]" : "";
            return ToolResult.of(
                    "[" + id + " " + start + "-" + end + " of " + length + "] " + document.title() + "\n" + text + more,
                    List.of(new Citation(id, -1, start, end, document.title(), document.sourceUri())));
        });
    }

    /** {@code read_chunk(document_id, chunk)}: one chunk, as cited by search. */
    public static Tool readChunk(DocumentStore store) {
        ToolSpecification specification = ToolSpecification.builder()
                .name("read_chunk")
                .description("Read one chunk of a document, as cited by search (docId#chunk).")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("document_id", "document id")
                        .addIntegerProperty("chunk", "chunk number")
                        .required("document_id", "chunk")
                        .build())
                .build();
        return Tool.of(specification, ToolPolicy.readOnly(), (arguments, context) -> {
            String id = arguments.get("document_id").asText();
            int ordinal = arguments.get("chunk").asInt();
            Chunk chunk = store.chunk(id, ordinal)
                    .orElseThrow(() -> new ToolException("no chunk " + ordinal + " in document " + id));
            Citation citation = new Citation(id, ordinal, chunk.startOffset(), chunk.endOffset(), "", "");
            return ToolResult.of("[" + citation.label() + "] " + chunk.text(), List.of(citation));
        });
    }
}
