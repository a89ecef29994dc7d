package dev.quarry.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * An MCP server built with the SDK's server API, run as its own JVM by the tests: {@code stdio}, or
 * {@code http} (it prints {@code PORT n} once it listens). Its tools misbehave on purpose.
 */
public final class TestMcpServer {

    static final CountDownLatch PAIR = new CountDownLatch(2);
    static final AtomicReference<McpSyncServer> SERVER = new AtomicReference<>();

    public static void main(String[] args) throws Exception {
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        List<SyncToolSpecification> tools = List.of(
                tool(
                        "pair",
                        "Waits until a second call of it is in flight; says whether they overlapped.",
                        true,
                        null,
                        request -> {
                            PAIR.countDown();
                            boolean overlapped = PAIR.await(30, TimeUnit.SECONDS);
                            return text(request.arguments().get("key") + (overlapped ? " overlapped" : " alone"));
                        }),
                tool(
                        "fail",
                        "Always fails.",
                        true,
                        null,
                        request -> McpSchema.CallToolResult.builder()
                                .addTextContent("the fail tool failed on purpose")
                                .isError(true)
                                .build()),
                tool("big", "Returns 3 MB of text.", true, null, request -> text("x".repeat(3_000_000))),
                tool("slow", "Takes 60 s.", true, null, request -> {
                    Thread.sleep(60_000);
                    return text("slow done");
                }),
                tool("die", "The server process dies during the call.", true, null, request -> {
                    Runtime.getRuntime().halt(3);
                    return text("unreachable");
                }),
                tool("grow", "Adds a tool named late and tells clients the list changed.", true, null, request -> {
                    SERVER.get().addTool(tool("late", "Added at run time.", true, null, r -> text("late")));
                    SERVER.get().notifyToolsListChanged();
                    return text("grown");
                }),
                tool("send", "Sends something (no annotations: side-effecting).", null, null, request -> text("sent")),
                tool("upsert", "Writes, but idempotently.", false, true, request -> text("upserted")),
                tool(
                        "echo",
                        "Echoes its key.",
                        true,
                        null,
                        request -> text("echo " + request.arguments().get("key"))));
        if (args[0].equals("stdio")) {
            SERVER.set(McpServer.sync(new StdioServerTransportProvider(json))
                    .serverInfo("test-server", "1")
                    .capabilities(
                            McpSchema.ServerCapabilities.builder().tools(true).build())
                    .tools(tools)
                    .build());
            Thread.currentThread().join();
        } else {
            HttpServletStreamableServerTransportProvider transport =
                    HttpServletStreamableServerTransportProvider.builder()
                            .jsonMapper(json)
                            .mcpEndpoint("/mcp")
                            .build();
            SERVER.set(McpServer.sync(transport)
                    .serverInfo("test-server", "1")
                    .capabilities(
                            McpSchema.ServerCapabilities.builder().tools(true).build())
                    .tools(tools)
                    .build());
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.addServlet(new ServletHolder(transport), "/mcp");
            jetty.setHandler(context);
            jetty.start();
            System.out.println("PORT " + connector.getLocalPort());
            System.out.flush();
            jetty.join();
        }
    }

    interface Handler {
        McpSchema.CallToolResult handle(McpSchema.CallToolRequest request) throws Exception;
    }

    static SyncToolSpecification tool(
            String name, String description, Boolean readOnly, Boolean idempotent, Handler handler) {
        McpSchema.ToolAnnotations annotations = readOnly == null && idempotent == null
                ? null
                : McpSchema.ToolAnnotations.builder()
                        .readOnlyHint(readOnly)
                        .idempotentHint(idempotent)
                        .build();
        return new SyncToolSpecification(
                McpSchema.Tool.builder()
                        .name(name)
                        .description(description)
                        .inputSchema(Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of("key", Map.of("type", "string", "description", "a key"))))
                        .annotations(annotations)
                        .build(),
                (exchange, request) -> {
                    try {
                        return handler.handle(request);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    static McpSchema.CallToolResult text(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).build();
    }
}
