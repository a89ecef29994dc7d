package dev.quarry.mcp;

import dev.quarry.agent.tool.ToolException;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection to an MCP server, made on first use and made again after it broke: a server that
 * died fails the calls in flight with a message saying so, and the next call starts it (stdio) or connects
 * (HTTP) again. Calls from several steps share the connection and are in flight together.
 */
final class McpConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(McpConnection.class);

    private final String server;
    private final Supplier<McpClientTransport> transports;
    private final Duration timeout;
    private final Duration startTimeout;
    private final Consumer<List<McpSchema.Tool>> onToolsChanged;
    private Session session;
    private boolean closed;

    /**
     * A live client; {@code exited} completes when the session is dead (its server process exited, or a call
     * found it broken), {@code processGone} when its server process has ended (at once for HTTP).
     */
    private record Session(McpSyncClient client, CompletableFuture<Void> exited, CompletableFuture<Void> processGone) {}

    McpConnection(
            String server,
            Supplier<McpClientTransport> transports,
            Duration timeout,
            Duration startTimeout,
            Consumer<List<McpSchema.Tool>> onToolsChanged) {
        this.server = server;
        this.transports = transports;
        this.timeout = timeout;
        this.startTimeout = startTimeout;
        this.onToolsChanged = onToolsChanged;
    }

    /** The server's tools, every page of them; none for a server that does not offer tools. */
    List<McpSchema.Tool> listTools() throws ToolException {
        Session live = session();
        McpSchema.ServerCapabilities capabilities = live.client().getServerCapabilities();
        if (capabilities != null && capabilities.tools() == null) {
            return List.of();
        }
        try {
            List<McpSchema.Tool> tools = new java.util.ArrayList<>();
            McpSchema.ListToolsResult page = live.client().listTools();
            tools.addAll(page.tools());
            while (page.nextCursor() != null) {
                page = live.client().listTools(page.nextCursor());
                tools.addAll(page.tools());
            }
            return tools;
        } catch (RuntimeException e) {
            broken(live);
            throw new ToolException(
                    "cannot list the tools of the MCP server " + server + ": " + e.getMessage(), true, e);
        }
    }

    /** Calls a tool; fails when the server answers with a protocol error, exits or does not answer in time. */
    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments)
            throws ToolException, InterruptedException {
        Session live = session();
        CompletableFuture<McpSchema.CallToolResult> call = CompletableFuture.supplyAsync(
                () -> live.client().callTool(new McpSchema.CallToolRequest(tool, arguments)),
                command -> Thread.ofVirtual().name("quarry-mcp-call").start(command));
        try {
            CompletableFuture.anyOf(call, live.exited())
                    .get(timeout.plusSeconds(2).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new ToolException(
                    "the MCP server " + server + " did not answer " + tool + " within " + timeout, true, e);
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            // reported below from the future that failed
        }
        if (!call.isDone()) {
            broken(live);
            throw new ToolException(
                    "the MCP server " + server + " exited while " + tool + " was running; it is started"
                            + " again for the next call",
                    true,
                    null);
        }
        try {
            return call.join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (live.exited().isDone() || !live.client().isInitialized()) {
                broken(live);
            }
            throw new ToolException(
                    "the MCP server " + server + " failed to run " + tool + ": " + cause.getMessage(), true, cause);
        }
    }

    private synchronized Session session() throws ToolException {
        if (closed) {
            throw new ToolException("the connection to the MCP server " + server + " is closed");
        }
        if (session != null && !session.exited().isDone()) {
            return session;
        }
        if (session != null) {
            end(session);
        }
        McpClientTransport transport = transports.get();
        CompletableFuture<Void> exited = new CompletableFuture<>();
        CompletableFuture<Void> processGone = new CompletableFuture<>();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(timeout.plusSeconds(5))
                .initializationTimeout(startTimeout)
                .clientInfo(new McpSchema.Implementation("quarry", "0.1.0"))
                .toolsChangeConsumer(onToolsChanged)
                .build();
        try {
            client.initialize();
        } catch (RuntimeException e) {
            client.close();
            throw new ToolException(
                    "cannot connect to the MCP server " + server + ": " + e.getMessage() + rootCause(e), true, e);
        }
        if (transport instanceof StdioClientTransport stdio) {
            Thread.ofVirtual().name("quarry-mcp-exit").start(() -> {
                stdio.awaitForExit();
                exited.complete(null);
                processGone.complete(null);
            });
        } else {
            processGone.complete(null);
        }
        session = new Session(client, exited, processGone);
        LOG.debug("connected to the MCP server {}", server);
        return session;
    }

    private synchronized void broken(Session dead) {
        if (session == dead) {
            dead.exited().complete(null);
        }
    }

    /** Closes the client and waits (at most 10 s) for a stdio server to end. */
    private void end(Session ended) {
        ended.exited().complete(null);
        ended.client().closeGracefully();
        try {
            ended.processGone().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the MCP server {} did not end within 10 s of closing", server);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) {
            end(session);
            session = null;
        }
    }

    /** The innermost cause's message (a 401 from the server, a refused connection), when it says more. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
    }
}
