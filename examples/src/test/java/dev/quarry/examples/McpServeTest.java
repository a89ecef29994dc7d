package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP SDK's own client using `quarry mcp`, run as its own JVM, over stdio and streamable HTTP. */
class McpServeTest {

    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final JacksonMcpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());

    @TempDir
    static Path work;

    static Path index;

    @BeforeAll
    static void indexed() throws Exception {
        index = indexIn(work);
    }

    /** Two small documents indexed (BM25 only) under {@code work}; the index's folder. */
    static Path indexIn(Path work) throws Exception {
        Path docs = Files.createDirectories(work.resolve("docs"));
        Files.writeString(
                docs.resolve("wings.md"),
                "# Wings\n\nSwept wings delay shock waves at transonic speed. Wing flutter is a dangerous vibration.");
        Files.writeString(
                docs.resolve("turbines.md"),
                "# Turbines\n\nGas turbines compress air before combustion. The hot gas spins the turbine blades.");
        Path index = work.resolve("index");
        var cli = Quarry.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("index", docs.toString(), "--index", index.toString(), "--bm25-only"))
                .isZero();
        return index;
    }

    static List<String> quarryMcp(String... extra) {
        return quarryMcp(index, extra);
    }

    /** The command line of {@code quarry mcp} over this index with the offline model, in a JVM of its own. */
    static List<String> quarryMcp(Path index, String... extra) {
        List<String> command = new java.util.ArrayList<>(List.of(
                JAVA,
                "-cp",
                System.getProperty("java.class.path"),
                Quarry.class.getName(),
                "mcp",
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline"));
        command.addAll(List.of(extra));
        return command;
    }

    @Test
    void overStdioTheSdkClientSearchesAndAsksWithCitations() {
        List<String> command = quarryMcp();
        ServerParameters server = ServerParameters.builder(command.getFirst())
                .args(command.subList(1, command.size()))
                .build();
        try (McpSyncClient client = connect(new StdioClientTransport(server, JSON))) {
            checkServes(client);
        }
    }

    @Test
    void overStreamableHttpTheSdkClientNeedsTheGeneratedTokenThenSearchesAsksAndReadsResources() throws Exception {
        Process quarry = new ProcessBuilder(quarryMcp("--http", "0"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader err =
                    new BufferedReader(new InputStreamReader(quarry.getErrorStream(), StandardCharsets.UTF_8));
            Pattern tokenLine = Pattern.compile("'Authorization: Bearer ([A-Za-z0-9_-]{43})'");
            Pattern serving = Pattern.compile("Serving MCP at (http://[^/]+)(/mcp)");
            String token = null;
            Matcher matcher = null;
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                Matcher generated = tokenLine.matcher(line);
                if (generated.find()) {
                    token = generated.group(1);
                }
                Matcher candidate = serving.matcher(line);
                if (candidate.find()) {
                    matcher = candidate;
                    break;
                }
            }
            assertThat(token)
                    .as("quarry mcp --http printed the token it generated")
                    .isNotNull();
            assertThat(matcher).as("quarry mcp --http said where it serves").isNotNull();
            URI endpoint = URI.create(matcher.group(1) + matcher.group(2));

            HttpClient plain = HttpClient.newHttpClient();
            HttpRequest.Builder initialize = HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
            assertThat(plain.send(initialize.build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("no token")
                    .isEqualTo(401);
            HttpResponse<String> wrong = plain.send(
                    initialize.header("Authorization", "Bearer not-" + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).as("a wrong token").isEqualTo(403);
            assertThat(wrong.body()).doesNotContain(token);

            String bearer = token;
            try (McpSyncClient client = connect(HttpClientStreamableHttpTransport.builder(matcher.group(1))
                    .endpoint(matcher.group(2))
                    .jsonMapper(JSON)
                    .httpRequestCustomizer((request, method, uri, body, context) ->
                            request.header("Authorization", "Bearer " + bearer))
                    .build())) {
                checkServes(client);
                assertThat(client.listResources().resources())
                        .extracting(McpSchema.Resource::uri)
                        .containsExactlyInAnyOrder("quarry://doc/turbines.md", "quarry://doc/wings.md");
                McpSchema.ReadResourceResult chunk =
                        client.readResource(new McpSchema.ReadResourceRequest("quarry://doc/wings.md/chunk/0"));
                assertThat(((McpSchema.TextResourceContents) chunk.contents().getFirst()).text())
                        .contains("dangerous vibration");
            }
        } finally {
            quarry.destroyForcibly();
            assertThat(quarry.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aTokenFileIsUsedAndUnsafeOrContradictoryOptionsAreRefusedBeforeServing() throws Exception {
        var cli = Quarry.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("mcp", "--index", index.toString(), "--http", "0", "--host", "0.0.0.0"))
                .isNotZero();
        assertThat(err.toString())
                .contains("0.0.0.0")
                .contains("--allow-remote")
                .doesNotContain("Bearer");

        Path empty = Files.writeString(work.resolve("empty-token"), "\n");
        err.getBuffer().setLength(0);
        assertThat(cli.execute("mcp", "--index", index.toString(), "--http", "0", "--token-file", empty.toString()))
                .isNotZero();
        assertThat(err.toString()).contains("the token file " + empty + " is empty");

        err.getBuffer().setLength(0);
        assertThat(cli.execute(
                        "mcp",
                        "--index",
                        index.toString(),
                        "--http",
                        "0",
                        "--no-auth",
                        "--token-file",
                        empty.toString()))
                .isNotZero();
        assertThat(err.toString()).contains("--no-auth and --token-file contradict each other");
    }

    private static McpSyncClient connect(McpClientTransport transport) {
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        client.initialize();
        return client;
    }

    @SuppressWarnings("unchecked")
    private static void checkServes(McpSyncClient client) {
        assertThat(client.listTools().tools())
                .extracting(McpSchema.Tool::name)
                .containsExactlyInAnyOrder("search", "read_document", "read_chunk", "ask");
        McpSchema.Tool search = client.listTools().tools().stream()
                .filter(t -> t.name().equals("search"))
                .findFirst()
                .orElseThrow();
        assertThat(search.annotations().readOnlyHint()).isTrue();
        assertThat(search.inputSchema()).containsKey("properties");

        McpSchema.CallToolResult found =
                client.callTool(new McpSchema.CallToolRequest("search", Map.of("query", "wing flutter")));
        assertThat(found.isError()).isFalse();
        assertThat(((McpSchema.TextContent) found.content().getFirst()).text())
                .contains("[wings.md#0[")
                .contains("Sources:");
        List<Map<String, Object>> citations =
                (List<Map<String, Object>>) ((Map<String, Object>) found.structuredContent()).get("citations");
        assertThat(citations).extracting(c -> c.get("documentId")).contains("wings.md");

        McpSchema.CallToolResult answer =
                client.callTool(new McpSchema.CallToolRequest("ask", Map.of("question", "What is wing flutter?")));
        assertThat(answer.isError()).isFalse();
        assertThat(((McpSchema.TextContent) answer.content().getFirst()).text())
                .contains("dangerous vibration")
                .contains("Sources:")
                .contains("wings.md#0");

        McpSchema.CallToolResult bad = client.callTool(new McpSchema.CallToolRequest("search", Map.of()));
        assertThat(bad.isError()).isTrue();
        assertThat(((McpSchema.TextContent) bad.content().getFirst()).text()).contains("query");
    }
}
