package dev.quarry.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.quarry.agent.Agent;
import dev.quarry.agent.tool.ArgumentValidator;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolResult;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Quarry tools and agents as MCP tool specifications: schema, annotations, and a call handler. */
final class McpServing {

    private static final Logger LOG = LoggerFactory.getLogger(McpServing.class);

    private static final AtomicLong CALLS = new AtomicLong();
    private static final ExecutorService THREADS = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("quarry-mcp-tool-", 0).factory());

    private McpServing() {}

    /** A Quarry tool served over MCP; its policy becomes the read-only and idempotent hints. */
    static SyncToolSpecification tool(Tool tool, CallBounds bounds) {
        McpSchema.Tool described = McpSchema.Tool.builder()
                .name(tool.name())
                .description(tool.specification().description())
                .inputSchema(schema(tool))
                .annotations(McpSchema.ToolAnnotations.builder()
                        .readOnlyHint(!tool.policy().sideEffecting())
                        .destructiveHint(tool.policy().sideEffecting())
                        .idempotentHint(tool.policy().idempotent())
                        .build())
                .build();
        return new SyncToolSpecification(
                described,
                (exchange, request) -> bounded(exchange, tool.name(), bounds, () -> {
                    FutureTask<McpSchema.CallToolResult> task = new FutureTask<>(() -> call(tool, request));
                    THREADS.execute(task);
                    return new Call(task, () -> task.cancel(true));
                }));
    }

    /** A call under way: its outcome, and how to stop it. */
    record Call(Future<McpSchema.CallToolResult> outcome, Runnable cancel) {}

    /**
     * Runs a call within the bounds: cancelled when its client's exchange ends first or its time is up (both
     * answered with an error result), its text cut at the largest result.
     */
    private static McpSchema.CallToolResult bounded(
            McpSyncServerExchange exchange, String name, CallBounds bounds, Supplier<Call> start) {
        Call call = start.get();
        Object watch = exchange.transportContext().get(ClientWatch.ATTRIBUTE);
        if (watch instanceof ClientWatch client) {
            client.onClose(call.cancel());
        }
        try {
            return bounds.cut(call.outcome().get(bounds.timeout().toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            call.cancel().run();
            return error(name + " did not finish within " + bounds.timeout().toSeconds() + " s and was cancelled");
        } catch (CancellationException e) {
            return error(name + " was cancelled: its client went away");
        } catch (ExecutionException e) {
            LOG.debug("MCP call of {} failed", name, e.getCause());
            return error(name + " failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            call.cancel().run();
            Thread.currentThread().interrupt();
            return error(name + " was interrupted");
        }
    }

    private static Map<String, Object> schema(Tool tool) {
        Map<String, Object> schema = tool.specification().parameters() == null
                ? new LinkedHashMap<>(Map.of("type", "object"))
                : new LinkedHashMap<>(
                        JsonSchemaElementJsonUtils.toMap(tool.specification().parameters()));
        schema.putIfAbsent("type", "object");
        return schema;
    }

    private static McpSchema.CallToolResult call(Tool tool, McpSchema.CallToolRequest request) {
        ObjectNode arguments = Json.MAPPER.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
        List<String> violations = tool.specification().parameters() == null
                ? List.of()
                : ArgumentValidator.validate(arguments, tool.specification().parameters());
        if (!violations.isEmpty()) {
            return error("Invalid arguments for " + tool.name() + ": " + String.join("; ", violations));
        }
        String id = "mcp-" + CALLS.incrementAndGet();
        try {
            ToolResult result = tool.execute(arguments, ToolContext.of(id, id, step -> Optional.empty(), THREADS));
            return result.error() ? error(result.text()) : cited(result.text(), result.citations());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(tool.name() + " was interrupted");
        } catch (Exception e) {
            LOG.debug("MCP call of {} failed", tool.name(), e);
            return error(tool.name() + " failed: " + e.getMessage());
        }
    }

    /** An agent served as one MCP tool taking a {@code question}: its answer, with citations. */
    static SyncToolSpecification agent(String name, String description, Agent agent, CallBounds bounds) {
        McpSchema.Tool described = McpSchema.Tool.builder()
                .name(name)
                .description(description)
                .inputSchema(Map.of(
                        "type", "object",
                        "properties", Map.of("question", Map.of("type", "string", "description", "the question")),
                        "required", List.of("question")))
                .annotations(McpSchema.ToolAnnotations.builder()
                        .readOnlyHint(true)
                        .openWorldHint(false)
                        .build())
                .build();
        return new SyncToolSpecification(described, (exchange, request) -> {
            Object question =
                    request.arguments() == null ? null : request.arguments().get("question");
            if (!(question instanceof String text) || text.isBlank()) {
                return error("question must be a non-blank string");
            }
            return bounded(exchange, name, bounds, () -> {
                AgentCall run = new AgentCall(exchange, request.progressToken());
                agent.stream(text).subscribe(run);
                return new Call(run.outcome(), run::cancel);
            });
        });
    }

    /** Text for the model and, as structured content, the citations with their offsets. */
    static McpSchema.CallToolResult cited(String text, List<Citation> citations) {
        StringBuilder content = new StringBuilder(text);
        if (!citations.isEmpty()) {
            content.append("\n\nSources:");
            citations.forEach(
                    c -> content.append("\n- [").append(c.label()).append("] ").append(c.title()));
        }
        return McpSchema.CallToolResult.builder()
                .addTextContent(content.toString())
                .structuredContent(Map.of(
                        "text",
                        text,
                        "citations",
                        citations.stream().map(McpServing::citation).toList()))
                .isError(false)
                .build();
    }

    private static Map<String, Object> citation(Citation citation) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("label", citation.label());
        fields.put("documentId", citation.documentId());
        fields.put("chunk", citation.chunk());
        fields.put("startOffset", citation.startOffset());
        fields.put("endOffset", citation.endOffset());
        fields.put("title", citation.title());
        fields.put("source", citation.source());
        return fields;
    }

    static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder()
                .addTextContent(message)
                .isError(true)
                .build();
    }
}
