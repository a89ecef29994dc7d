package dev.quarry.examples;

import dev.quarry.index.LuceneIndex;
import dev.quarry.mcp.McpHttpOptions;
import dev.quarry.mcp.QuarryMcpServer;
import dev.quarry.tools.ReadTools;
import dev.quarry.tools.SearchTool;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry mcp}: serves the index over the Model Context Protocol: {@code search}, {@code read_document},
 * {@code read_chunk}, and {@code ask} (a Quarry agent answering with citations) as tools; the documents as
 * resources ({@code quarry://doc/{id}}, chunks too) with id completion; and two prompts. Over standard input and
 * output by default (what MCP clients such as Claude Desktop start), or streamable HTTP with {@code --http}.
 * Over HTTP, callers need a bearer token and a loopback (or allowed) Host and Origin; see {@link McpHttpFlags}.
 * Nothing but protocol messages is written to standard output; messages go to standard error.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "mcp",
        description = "Serve the index (search, read_document, read_chunk) and an ask agent over MCP: stdio, or"
                + " streamable HTTP with --http.")
final class McpCommand implements Callable<Integer> {

    @Option(names = "--http", paramLabel = "<port>", description = "serve streamable HTTP on this port (0: any)")
    Integer httpPort;

    @Mixin
    McpHttpFlags http;

    @Mixin
    AgentOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        McpHttpOptions served = httpPort == null ? null : http.options(httpPort, System.getenv(), err, spec);
        try (LuceneIndex index = options.openIndexed(err)) {
            QuarryMcpServer server = QuarryMcpServer.builder()
                    .tool(new SearchTool(index))
                    .tools(ReadTools.over(index))
                    .documents(new IndexDocuments(index))
                    .agent(
                            "ask",
                            "Answers a question from the indexed documents, citing the passages it used.",
                            options.builder(index).build())
                    .build();
            if (served == null) {
                server.serveStdio();
                return 0;
            }
            try (QuarryMcpServer.Http serving = server.serveHttp(served)) {
                err.println("Serving MCP at " + serving.endpoint() + " (tools: " + String.join(", ", server.toolNames())
                        + "); stop with Ctrl-C.");
                err.flush();
                new CountDownLatch(1).await();
            }
            return 0;
        }
    }
}
