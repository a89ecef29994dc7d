package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, installed by {@code .ci/run}
 * into {@code target/mcp-conformance}) against {@code quarry mcp --http}, one server scenario at a time: every
 * scenario that applies to what Quarry serves. The others call the suite's own fixture tools, resources and
 * prompts ({@code test_simple_text}, {@code test://static-text}, {@code test_prompt_with_arguments}, ...);
 * docs/mcp.md lists them. Skipped, saying so, when the suite is not installed.
 */
class McpConformanceTest {

    static final Path SUITE = Path.of("..", "target", "mcp-conformance", "node_modules", ".bin", "conformance");

    @TempDir
    static Path work;

    static Process quarry;
    static String endpoint;

    @BeforeAll
    static void served() throws Exception {
        assumeTrue(
                Files.isExecutable(SUITE),
                "the MCP conformance suite is not installed at "
                        + SUITE.toAbsolutePath().normalize()
                        + "; .ci/run installs it (npm install --prefix target/mcp-conformance"
                        + " @modelcontextprotocol/conformance@0.1.13)");
        Path index = McpServeTest.indexIn(work);
        // The suite opens a session per scenario and never closes it: room for all of them.
        quarry = new ProcessBuilder(McpServeTest.quarryMcp(index, "--http", "0", "--no-auth", "--max-sessions", "200"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader err = new BufferedReader(new InputStreamReader(quarry.getErrorStream(), StandardCharsets.UTF_8));
        Pattern serving = Pattern.compile("Serving MCP at (\\S+)");
        for (String line = err.readLine(); line != null; line = err.readLine()) {
            Matcher matcher = serving.matcher(line);
            if (matcher.find()) {
                endpoint = matcher.group(1);
                break;
            }
        }
        assertThat(endpoint).as("quarry mcp --http said where it serves").isNotNull();
        Thread.ofVirtual().start(() -> err.lines().forEach(line -> {}));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (quarry != null) {
            quarry.destroyForcibly();
            quarry.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "server-initialize",
                "ping",
                "logging-set-level",
                "tools-list",
                "resources-list",
                "prompts-list",
                "server-sse-multiple-streams",
                "dns-rebinding-protection"
            })
    void theScenarioPasses(String scenario) throws IOException, InterruptedException {
        assertPasses("server", "--url", endpoint, "--scenario", scenario);
    }

    @ParameterizedTest
    @ValueSource(strings = {"initialize", "tools_call"})
    void theClientScenarioPassesWithMcpTools(String scenario) throws IOException, InterruptedException {
        String client = String.join(
                " ",
                McpServeTest.JAVA,
                "-cp",
                System.getProperty("java.class.path"),
                McpConformanceClient.class.getName());
        assertPasses("client", "--command", client, "--scenario", scenario);
    }

    /** Runs the suite with these arguments and checks it exits 0 with every check of the scenario passed. */
    private static void assertPasses(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(SUITE.toString()));
        command.addAll(List.of(arguments));
        Process suite = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(suite.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(suite.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(suite.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("Passed: (\\d+)/\\1, 0 failed");
    }
}
