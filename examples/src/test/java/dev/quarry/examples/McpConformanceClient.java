package dev.quarry.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.mcp.McpTools;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The client the conformance suite's client scenarios run ({@code conformance client --command ...}): it
 * connects {@link McpTools} to the URL the suite appends, as an agent would, and in {@code tools_call} calls
 * the suite's {@code add_numbers} tool through the Quarry tool McpTools made of it.
 */
public final class McpConformanceClient {

    private McpConformanceClient() {}

    /** Runs the scenario named by {@code MCP_CONFORMANCE_SCENARIO} against the server at {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        String scenario = System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", "initialize");
        try (McpTools tools = McpTools.http(URI.create(args[0])).build();
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            System.out.println(
                    "tools: " + tools.tools().stream().map(Tool::name).toList());
            if (scenario.equals("tools_call")) {
                Tool add = tools.tools().stream()
                        .filter(t -> t.name().equals("add_numbers"))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("the server has no add_numbers tool"));
                ToolResult sum = add.execute(
                        JsonNodeFactory.instance.objectNode().put("a", 2).put("b", 3),
                        ToolContext.of("conformance", "call-1", step -> Optional.empty(), threads));
                System.out.println(sum.text());
            }
        }
    }
}
