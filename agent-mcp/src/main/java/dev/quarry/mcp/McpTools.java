package dev.quarry.mcp;

import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolPolicy;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The tools of one MCP server as Quarry {@link Tool}s, over stdio (the server is a child process) or
 * streamable HTTP, on the official MCP Java SDK:
 *
 * <pre>{@code
 * try (McpTools files = McpTools.stdio("npx", "-y", "@modelcontextprotocol/server-filesystem", "/data")
 *         .prefix("files_")
 *         .build()) {
 *     Agent agent = Agent.builder().model(model).tools(files.tools()).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Each tool keeps the server's JSON schema (arguments are validated before the call) and gets a policy
 * from its annotations: {@code readOnlyHint} makes it read-only; any other tool is side-effecting, so it
 * runs only after approval, and is retried only with {@code idempotentHint}. {@link Builder#policy} says
 * otherwise for a tool you trust. Independent calls are in flight together on the one connection.
 *
 * <p>A server that exits during a call fails that step with a message saying so (the run goes on); the next
 * call starts it again. A call that does not answer within {@link Builder#timeout} times out. An error result
 * ({@code isError}) is a failed step whose text the model reads. When the server changes its tool list
 * ({@code notifications/tools/list_changed}), {@link #tools()} returns the new list (for agents built
 * afterwards; an agent built before fails clearly on a tool that is gone). {@link #close()} ends the
 * connection and the child process.
 */
public final class McpTools implements AutoCloseable {

    private final String server;
    private final String prefix;
    private final Duration timeout;
    private final Map<String, ToolPolicy> policies;
    private final McpConnection connection;
    private final AtomicReference<List<McpSchema.Tool>> current = new AtomicReference<>(List.of());
    private final List<Consumer<List<String>>> listeners = new CopyOnWriteArrayList<>();

    private McpTools(Builder builder) {
        this.server = builder.name;
        this.prefix = builder.prefix;
        this.timeout = builder.timeout;
        this.policies = Map.copyOf(builder.policies);
        this.connection = new McpConnection(server, builder.transports, timeout, builder.startTimeout, this::changed);
    }

    /** Tools of a server started as a child process speaking MCP over its standard input and output. */
    public static Builder stdio(String command, String... args) {
        Objects.requireNonNull(command, "command");
        ServerParameters parameters =
                ServerParameters.builder(command).args(args).build();
        return new Builder(
                shortened(command + (args.length == 0 ? "" : " " + String.join(" ", args))),
                () -> new StdioClientTransport(parameters, new JacksonMcpJsonMapper(Json.MAPPER)));
    }

    /** A command line short enough for a message: a long middle (a class path) becomes "...". */
    private static String shortened(String commandLine) {
        return commandLine.length() <= 160
                ? commandLine
                : commandLine.substring(0, 60) + " ... " + commandLine.substring(commandLine.length() - 95);
    }

    /** Tools of a server reached over streamable HTTP at {@code endpoint} (for example http://host:8080/mcp). */
    public static Builder http(URI endpoint) {
        return http(endpoint, null);
    }

    /**
     * Tools of a server reached over streamable HTTP at {@code endpoint} that wants a bearer token: every
     * request carries {@code Authorization: Bearer <token>}.
     */
    public static Builder http(URI endpoint, String bearerToken) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (bearerToken != null && bearerToken.isBlank()) {
            throw new ConfigurationException("the bearer token for " + endpoint + " is blank");
        }
        String base = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/mcp" : endpoint.getRawPath();
        return new Builder(
                endpoint.toString(),
                () -> HttpClientStreamableHttpTransport.builder(base)
                        .endpoint(path)
                        .jsonMapper(new JacksonMcpJsonMapper(Json.MAPPER))
                        .httpRequestCustomizer((request, method, uri, body, context) -> {
                            if (bearerToken != null) {
                                request.header("Authorization", "Bearer " + bearerToken);
                            }
                        })
                        .build());
    }

    /** The server's tools now, as Quarry tools (named with the prefix). */
    public List<Tool> tools() {
        return current.get().stream()
                .<Tool>map(tool -> new McpTool(server, prefix, tool, policyOf(tool), connection))
                .toList();
    }

    /** Tells {@code listener} the new tool names whenever the server changes its tool list. */
    public void onToolsChanged(Consumer<List<String>> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void changed(List<McpSchema.Tool> tools) {
        current.set(List.copyOf(tools));
        List<String> names = tools().stream().map(Tool::name).toList();
        listeners.forEach(l -> l.accept(names));
    }

    private ToolPolicy policyOf(McpSchema.Tool tool) {
        ToolPolicy override = policies.get(tool.name());
        if (override != null) {
            return override;
        }
        McpSchema.ToolAnnotations hints = tool.annotations();
        boolean readOnly = hints != null && Boolean.TRUE.equals(hints.readOnlyHint());
        boolean idempotent = hints != null && Boolean.TRUE.equals(hints.idempotentHint());
        ToolPolicy policy =
                readOnly ? ToolPolicy.readOnly() : ToolPolicy.sideEffects().withIdempotent(idempotent);
        return policy.withTimeout(timeout);
    }

    /** Ends the connection; a server started over stdio is stopped. */
    @Override
    public void close() {
        connection.close();
    }

    /** Configures {@link McpTools}. */
    public static final class Builder {
        private String name;
        private final Supplier<McpClientTransport> transports;
        private String prefix = "";
        private Duration timeout = Duration.ofSeconds(60);
        private Duration startTimeout = Duration.ofSeconds(30);
        private final Map<String, ToolPolicy> policies = new HashMap<>();

        private Builder(String name, Supplier<McpClientTransport> transports) {
            this.name = name;
            this.transports = transports;
        }

        /** How the server is named in messages; default its command line or URL. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Put before every tool name, to keep apart servers whose tools share names (for example "files_"). */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** How long a call may take; default 60 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long the server may take to start and answer the MCP handshake; default 30 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** The policy of one tool (by its server name), instead of the one its annotations give. */
        public Builder policy(String tool, ToolPolicy policy) {
            policies.put(Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * Connects and lists the server's tools.
         *
         * @throws ConfigurationException when the server cannot be started or reached, or a setting is wrong
         */
        public McpTools build() {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException("McpTools timeout must be positive, was " + timeout);
            }
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new ConfigurationException("McpTools startTimeout must be positive, was " + startTimeout);
            }
            if (!prefix.matches("[A-Za-z0-9_-]*")) {
                throw new ConfigurationException(
                        "McpTools prefix may use letters, digits, '_' and '-' only, was '" + prefix + "'");
            }
            McpTools tools = new McpTools(this);
            try {
                tools.changed(tools.connection.listTools());
            } catch (ToolException e) {
                tools.close();
                throw new ConfigurationException(
                        e.getMessage() + " (check the command or URL, and that it speaks MCP)");
            }
            return tools;
        }
    }
}
