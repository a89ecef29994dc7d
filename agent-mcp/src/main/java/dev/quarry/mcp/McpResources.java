package dev.quarry.mcp;

import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Documents as MCP resources, the prompts that fit an index server, and completion of document ids: the
 * specifications a {@link QuarryMcpServer} registers when it is given {@link McpDocuments}.
 */
final class McpResources {

    /** The template of a whole document's URI. */
    static final String DOCUMENT_TEMPLATE = "quarry://doc/{id}";

    /** The template of one chunk's URI. */
    static final String CHUNK_TEMPLATE = "quarry://doc/{id}/chunk/{ordinal}";

    /** The prompt asking for an answer from the index with citations. */
    static final String ANSWER_PROMPT = "answer_with_citations";

    /** The prompt asking for a summary of one document. */
    static final String SUMMARY_PROMPT = "summarise_document";

    /** How many completion values one answer carries (the protocol's own limit). */
    static final int MAX_COMPLETIONS = 100;

    private static final Pattern URI = Pattern.compile("quarry://doc/([^/]+)(?:/chunk/(\\d{1,9}))?");
    private static final String MARKDOWN = "text/markdown";

    private final McpDocuments documents;

    McpResources(McpDocuments documents) {
        this.documents = documents;
    }

    /** The URI of a document: its id percent-encoded, so an id with a slash stays one path segment. */
    static String uri(String id) {
        return "quarry://doc/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The first {@code limit} documents, listed with their titles (the SDK lists resources in one page). */
    List<SyncResourceSpecification> listed(int limit) {
        return documents.ids("", limit).stream()
                .flatMap(id -> documents.document(id).stream()
                        .map(text -> new SyncResourceSpecification(
                                McpSchema.Resource.builder()
                                        .uri(uri(id))
                                        .name(id)
                                        .title(text.title())
                                        .mimeType(MARKDOWN)
                                        .size((long) text.text().length())
                                        .build(),
                                (exchange, request) -> read(request.uri()))))
                .toList();
    }

    /** The document and chunk templates, read from the index whatever was listed. */
    List<SyncResourceTemplateSpecification> templates() {
        return List.of(
                new SyncResourceTemplateSpecification(
                        McpSchema.ResourceTemplate.builder(DOCUMENT_TEMPLATE, "document")
                                .title("An indexed document")
                                .description("The full text of the document with this id")
                                .mimeType(MARKDOWN)
                                .build(),
                        (exchange, request) -> read(request.uri())),
                new SyncResourceTemplateSpecification(
                        McpSchema.ResourceTemplate.builder(CHUNK_TEMPLATE, "chunk")
                                .title("One indexed chunk")
                                .description("The chunk at this ordinal (0 for the first) of the document, as"
                                        + " search results cite it: [id#ordinal]")
                                .mimeType(MARKDOWN)
                                .build(),
                        (exchange, request) -> read(request.uri())));
    }

    /**
     * The text behind a {@code quarry://doc/...} URI.
     *
     * @throws McpError "resource not found" (-32002) for a URI that names nothing in the index
     */
    McpSchema.ReadResourceResult read(String uri) {
        Matcher matcher = URI.matcher(uri);
        if (!matcher.matches()) {
            throw notFound(uri, "expected " + DOCUMENT_TEMPLATE + " or " + CHUNK_TEMPLATE);
        }
        String id = URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
        Optional<McpDocuments.Text> text = matcher.group(2) == null
                ? documents.document(id)
                : documents.chunk(id, Integer.parseInt(matcher.group(2)));
        return text.map(found -> new McpSchema.ReadResourceResult(
                        List.of(new McpSchema.TextResourceContents(uri, MARKDOWN, found.text()))))
                .orElseThrow(() -> notFound(uri, "no such document or chunk in the index"));
    }

    private static McpError notFound(String uri, String why) {
        return McpError.builder(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND)
                .message("Resource not found: " + uri + " (" + why + ")")
                .data(Map.of("uri", uri))
                .build();
    }

    /** The prompts: an answer with citations, and a summary of one document (embedded). */
    List<SyncPromptSpecification> prompts() {
        return List.of(
                new SyncPromptSpecification(
                        new McpSchema.Prompt(
                                ANSWER_PROMPT,
                                "Answer with citations",
                                "Answer a question from the indexed documents, citing each passage used",
                                List.of(new McpSchema.PromptArgument("question", "The question to answer", true))),
                        (exchange, request) -> {
                            String question = argument(request, "question");
                            return new McpSchema.GetPromptResult(
                                    "Answer from the index with citations",
                                    List.of(new McpSchema.PromptMessage(
                                            McpSchema.Role.USER,
                                            new McpSchema.TextContent(
                                                    "Answer the question below from the indexed documents only."
                                                            + " Search the index first (the search tool), read"
                                                            + " the passages you need, and cite each claim with"
                                                            + " its passage as [document#chunk]. If the"
                                                            + " documents do not answer it, say so.\n\nQuestion: "
                                                            + question))));
                        }),
                new SyncPromptSpecification(
                        new McpSchema.Prompt(
                                SUMMARY_PROMPT,
                                "Summarise a document",
                                "Summarise one indexed document, which is embedded in the prompt",
                                List.of(new McpSchema.PromptArgument("id", "The document's id", true))),
                        (exchange, request) -> {
                            String id = argument(request, "id");
                            McpSchema.ResourceContents contents =
                                    read(uri(id)).contents().getFirst();
                            return new McpSchema.GetPromptResult(
                                    "Summarise " + id,
                                    List.of(
                                            new McpSchema.PromptMessage(
                                                    McpSchema.Role.USER,
                                                    new McpSchema.EmbeddedResource(null, contents)),
                                            new McpSchema.PromptMessage(
                                                    McpSchema.Role.USER,
                                                    new McpSchema.TextContent("Summarise the document above in"
                                                            + " a few sentences, keeping its key figures."))));
                        }));
    }

    private static String argument(McpSchema.GetPromptRequest request, String name) {
        Object value = request.arguments() == null ? null : request.arguments().get(name);
        if (!(value instanceof String text) || text.isBlank()) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("prompt " + request.name() + " needs the argument " + name + " (a non-blank string)")
                    .build();
        }
        return text;
    }

    /** Completion of document ids: for both templates' {@code id} and the summary prompt's {@code id}. */
    List<SyncCompletionSpecification> completions() {
        return List.of(
                new SyncCompletionSpecification(
                        new McpSchema.ResourceReference(DOCUMENT_TEMPLATE), (exchange, request) -> ids(request)),
                new SyncCompletionSpecification(
                        new McpSchema.ResourceReference(CHUNK_TEMPLATE), (exchange, request) -> ids(request)),
                new SyncCompletionSpecification(
                        new McpSchema.PromptReference(SUMMARY_PROMPT), (exchange, request) -> ids(request)));
    }

    private McpSchema.CompleteResult ids(McpSchema.CompleteRequest request) {
        if (!"id".equals(request.argument().name())) {
            return new McpSchema.CompleteResult(new McpSchema.CompleteResult.CompleteCompletion(List.of(), 0, false));
        }
        String prefix =
                request.argument().value() == null ? "" : request.argument().value();
        List<String> matching = documents.ids(prefix, MAX_COMPLETIONS + 1).stream()
                .takeWhile(id -> id.startsWith(prefix))
                .toList();
        boolean more = matching.size() > MAX_COMPLETIONS;
        List<String> values = more ? matching.subList(0, MAX_COMPLETIONS) : matching;
        return new McpSchema.CompleteResult(new McpSchema.CompleteResult.CompleteCompletion(values, null, more));
    }
}
