package dev.quarry.mcp;

import dev.quarry.agent.Agent;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.tool.Tool;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Quarry tools and agents over MCP, so any MCP client (Claude Desktop, an IDE, another agent
 * framework) can use them:
 *
 * <pre>{@code
 * QuarryMcpServer server = QuarryMcpServer.builder()
 *         .tool(new SearchTool(index))
 *         .tools(ReadTools.over(index))
 *         .agent("ask", "Answers a question from the indexed documents, with citations", agent)
 *         .build();
 * server.serveStdio();                 // or: try (var http = server.serveHttp("127.0.0.1", 8080)) { ... }
 * }</pre>
 *
 * <p>Each tool keeps its schema, and its policy becomes the {@code readOnlyHint}, {@code destructiveHint}
 * and {@code idempotentHint} annotations. A tool's result is the text content; its citations follow in the
 * text ("Sources:") and as structured content with their offsets. Side-effecting tools are refused at
 * {@link Builder#build()} unless {@link Builder#exposeSideEffecting(boolean)} says to serve them: an MCP
 * client decides itself whether to call them, so Quarry's approval gate does not stand in front of them.
 */
public final class QuarryMcpServer {

    private static final Logger LOG = LoggerFactory.getLogger(QuarryMcpServer.class);

    private final String name;
    private final String version;
    private final List<Tool> tools;
    private final List<ServedAgent> agents;
    private final McpResources resources;
    private final int listedDocuments;

    private QuarryMcpServer(Builder builder, List<Tool> tools) {
        this.name = builder.name;
        this.version = builder.version;
        this.tools = List.copyOf(tools);
        this.agents = List.copyOf(builder.agents);
        this.resources = builder.documents == null ? null : new McpResources(builder.documents);
        this.listedDocuments = builder.listedDocuments;
    }

    /** An agent served as a tool. */
    private record ServedAgent(String name, String description, Agent agent) {}

    /** A builder for a server named "quarry" with no tools yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** The names of the tools served. */
    public List<String> toolNames() {
        List<String> names =
                new ArrayList<>(agents.stream().map(ServedAgent::name).toList());
        tools.forEach(t -> names.add(t.name()));
        return names;
    }

    /** Serves over this process's standard input and output until the client closes them (or the process ends). */
    public void serveStdio() throws InterruptedException {
        serve(System.in, System.out);
    }

    /**
     * Serves over the given streams until the process ends; standard output must carry nothing else. Calls
     * run under the default {@link McpHttpOptions#callTimeout()} and {@link McpHttpOptions#maxResultChars()}.
     */
    public void serve(InputStream in, OutputStream out) throws InterruptedException {
        McpSyncServer server = started(
                McpServer.sync(new StdioServerTransportProvider(new JacksonMcpJsonMapper(Json.MAPPER), in, out)),
                CallBounds.of(McpHttpOptions.builder("127.0.0.1", 0).build()));
        try {
            Thread.currentThread().join();
        } finally {
            server.close();
        }
    }

    /**
     * Serves streamable HTTP at {@code http://host:port/mcp} with the default {@link McpHttpOptions} (loopback
     * Host and Origin only, no authentication) until the returned handle is closed.
     *
     * @param port 0 for any free port ({@link Http#port()} tells which)
     */
    public Http serveHttp(String host, int port) {
        return serveHttp(McpHttpOptions.builder(host, port).build());
    }

    /**
     * Serves streamable HTTP at {@code http://host:port/mcp} until the returned handle is closed: every request
     * passes the Host, Origin, token and size checks of the options before the protocol sees it, and every
     * call runs within their time and result limits; a call whose client goes away is cancelled.
     */
    public Http serveHttp(McpHttpOptions options) {
        return serveHttp(options, System::nanoTime);
    }

    Http serveHttp(McpHttpOptions options, LongSupplier clock) {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(new JacksonMcpJsonMapper(Json.MAPPER))
                .mcpEndpoint("/mcp")
                .maxRequestSize(options.maxRequestBytes())
                .sessionSweepInterval(options.sessionIdleTimeout())
                .contextExtractor(request -> McpTransportContext.create(Map.of(
                        ClientWatch.ATTRIBUTE, request.getAttribute(ClientWatch.ATTRIBUTE),
                        McpHttpGuard.CALLER, request.getAttribute(McpHttpGuard.CALLER))))
                .build();
        McpSyncServer server = started(McpServer.sync(transport), CallBounds.of(options));
        McpSessionLimits sessions = new McpSessionLimits(options, clock);
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(options.host());
        connector.setPort(options.port());
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(
                new FilterHolder(new McpHttpGuard(options, sessions)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(transport), "/mcp");
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            server.close();
            throw new ConfigurationException(
                    "cannot serve MCP on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        if (!options.loopback() && options.authenticator().isEmpty()) {
            LOG.warn(
                    "MCP server on {} is reachable from other machines and nothing authenticates its callers",
                    options.host());
        }
        return new Http(jetty, server, options.host(), connector.getLocalPort(), sessions);
    }

    /**
     * The server on a transport: this server's name, version and tools, each call within the bounds, and its
     * documents as resources with their prompts and completion when it has documents.
     */
    private McpSyncServer started(McpServer.SyncSpecification<?> specification, CallBounds bounds) {
        List<SyncToolSpecification> specifications = new ArrayList<>();
        agents.forEach(a -> specifications.add(McpServing.agent(a.name(), a.description(), a.agent(), bounds)));
        tools.forEach(t -> specifications.add(McpServing.tool(t, bounds)));
        McpSchema.ServerCapabilities.Builder capabilities =
                McpSchema.ServerCapabilities.builder().tools(true);
        if (resources != null) {
            capabilities.resources(false, false).prompts(false).completions();
            specification
                    .resources(resources.listed(listedDocuments))
                    .resourceTemplates(resources.templates())
                    .prompts(resources.prompts())
                    .completions(resources.completions());
        }
        return specification
                .serverInfo(name, version)
                .capabilities(capabilities.build())
                .tools(specifications)
                .build();
    }

    /** A running streamable-HTTP server; closing it stops it. */
    public static final class Http implements AutoCloseable {
        private final Server jetty;
        private final McpSyncServer server;
        private final String host;
        private final int port;
        private final McpSessionLimits sessions;

        private Http(Server jetty, McpSyncServer server, String host, int port, McpSessionLimits sessions) {
            this.jetty = jetty;
            this.server = server;
            this.host = host;
            this.port = port;
            this.sessions = sessions;
        }

        /** How many MCP sessions are open now (idle ones past their timeout not counted). */
        public int openSessions() {
            return sessions.open();
        }

        /** The port it listens on. */
        public int port() {
            return port;
        }

        /** Where clients send their requests: {@code http://host:port/mcp}. */
        public URI endpoint() {
            return URI.create("http://" + McpHttpOptions.bracketed(host) + ":" + port + "/mcp");
        }

        /** Stops serving. */
        @Override
        public void close() throws Exception {
            server.close();
            jetty.stop();
        }
    }

    /** Configures a {@link QuarryMcpServer}. */
    public static final class Builder {
        private String name = "quarry";
        private String version = "0.1.0";
        private boolean exposeSideEffecting;
        private final List<Tool> plainTools = new ArrayList<>();
        private final List<ServedAgent> agents = new ArrayList<>();
        private McpDocuments documents;
        private int listedDocuments = 1_000;

        private Builder() {}

        /**
         * Serves these documents as MCP resources: read by URI ({@code quarry://doc/{id}}, and
         * {@code quarry://doc/{id}/chunk/{ordinal}} for a chunk), listed, completed by id, and used by the
         * {@code answer_with_citations} and {@code summarise_document} prompts.
         */
        public Builder documents(McpDocuments documents) {
            this.documents = Objects.requireNonNull(documents, "documents");
            return this;
        }

        /**
         * How many documents {@code resources/list} names (default 1,000), taken in id order when serving starts.
         * The MCP Java SDK answers the list in one page, so a larger index is bounded here; every document stays
         * readable through the templates and found through completion.
         */
        public Builder listedDocuments(int limit) {
            if (limit < 0) {
                throw new ConfigurationException("listedDocuments must be 0 or more, got " + limit);
            }
            this.listedDocuments = limit;
            return this;
        }

        /** The server's name and version, as clients see them. */
        public Builder serverInfo(String name, String version) {
            this.name = Objects.requireNonNull(name, "name");
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Serves a tool. */
        public Builder tool(Tool tool) {
            plainTools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        /** Serves tools. */
        public Builder tools(List<? extends Tool> tools) {
            tools.forEach(this::tool);
            return this;
        }

        /** Serves an agent as the tool {@code name} taking a {@code question}; it answers with citations. */
        public Builder agent(String name, String description, Agent agent) {
            agents.add(new ServedAgent(
                    Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(description, "description"),
                    Objects.requireNonNull(agent, "agent")));
            return this;
        }

        /** Whether side-effecting tools may be served (default false: build() refuses them). */
        public Builder exposeSideEffecting(boolean expose) {
            this.exposeSideEffecting = expose;
            return this;
        }

        /**
         * The server.
         *
         * @throws ConfigurationException for a side-effecting tool not allowed, two tools of one name, or none
         */
        public QuarryMcpServer build() {
            List<String> problems = new ArrayList<>();
            List<Tool> served = new ArrayList<>();
            Set<String> names = new HashSet<>();
            agents.forEach(a -> {
                if (!names.add(a.name())) {
                    problems.add("two tools are named " + a.name());
                }
            });
            for (Tool tool : plainTools) {
                if (tool.policy().sideEffecting() && !exposeSideEffecting) {
                    problems.add("tool " + tool.name() + " is side-effecting; MCP clients call tools without Quarry's"
                            + " approval gate, so it is not served unless exposeSideEffecting(true)");
                    continue;
                }
                served.add(tool);
                if (!names.add(tool.name())) {
                    problems.add("two tools are named " + tool.name());
                }
            }
            if (names.isEmpty() && problems.isEmpty()) {
                problems.add("nothing to serve: add a tool or an agent");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException("QuarryMcpServer: " + String.join("; ", problems));
            }
            return new QuarryMcpServer(this, served);
        }
    }
}
