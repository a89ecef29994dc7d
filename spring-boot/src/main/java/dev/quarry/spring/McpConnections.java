package dev.quarry.spring;

import dev.quarry.agent.tool.Tool;
import dev.quarry.mcp.McpTools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The MCP servers of {@code quarry.mcp.*}, connected at start and closed with the application context. */
public final class McpConnections implements AutoCloseable {

    private final List<McpTools> servers;

    private McpConnections(List<McpTools> servers) {
        this.servers = List.copyOf(servers);
    }

    /**
     * Connects to every configured server.
     *
     * @throws IllegalArgumentException naming the property of a server with neither or both of command and url
     */
    static McpConnections connect(Map<String, QuarryProperties.McpServer> configured) {
        List<McpTools> connected = new ArrayList<>();
        try {
            configured.forEach((name, server) -> connected.add(connect(name, server)));
        } catch (RuntimeException e) {
            connected.forEach(McpTools::close);
            throw e;
        }
        return new McpConnections(connected);
    }

    private static McpTools connect(String name, QuarryProperties.McpServer server) {
        String property = "quarry.mcp." + name;
        if ((server.command() == null) == (server.url() == null)) {
            throw new IllegalArgumentException(
                    property + " needs exactly one of command (stdio) and url (streamable HTTP)");
        }
        McpTools.Builder builder = server.command() != null
                ? McpTools.stdio(server.command(), server.args().toArray(String[]::new))
                : McpTools.http(server.url());
        builder.name(name).prefix(server.prefix());
        if (server.timeout() != null) {
            builder.timeout(server.timeout());
        }
        return builder.build();
    }

    /** The tools of every server. */
    public List<Tool> tools() {
        return servers.stream().flatMap(s -> s.tools().stream()).toList();
    }

    /** Closes every connection (and stops stdio servers). */
    @Override
    public void close() {
        servers.forEach(McpTools::close);
    }
}
