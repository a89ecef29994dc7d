package dev.quarry.mcp;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.ConverseBodies;
import dev.quarry.testkit.ScriptedChatModel;
import dev.quarry.testkit.Turn;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Quarry agents using the tools of an MCP server that runs as its own JVM, over stdio and streamable HTTP. */
class McpToolsTest {

    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final String CLASSPATH = System.getProperty("java.class.path");

    Process httpServer;

    @AfterEach
    void stopHttpServer() throws Exception {
        if (httpServer != null) {
            httpServer.destroyForcibly();
            httpServer.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static McpTools.Builder stdio() {
        return McpTools.stdio(JAVA, "-cp", CLASSPATH, TestMcpServer.class.getName(), "stdio");
    }

    McpTools.Builder http() throws Exception {
        httpServer = new ProcessBuilder(JAVA, "-cp", CLASSPATH, TestMcpServer.class.getName(), "http")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(httpServer.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.startsWith("PORT ")) {
            line = out.readLine();
        }
        assertThat(line).as("the HTTP server said its port").isNotNull();
        return McpTools.http(URI.create("http://127.0.0.1:" + line.substring(5) + "/mcp"));
    }

    /** Claude (the simulator) calls pair twice in one turn, then answers with what the calls returned. */
    static Turn pairTwice(com.fasterxml.jackson.databind.JsonNode request) {
        Map<String, String> results = ConverseBodies.toolResults(request);
        if (results.isEmpty()) {
            return Turn.toolUse(
                    "",
                    new Turn.ToolUse("a", "pair", "{\"key\":\"a\"}"),
                    new Turn.ToolUse("b", "pair", "{\"key\":\"b\"}"));
        }
        return Turn.text(results.values().stream().sorted().collect(Collectors.joining(", ")));
    }

    AgentResult pairOnBedrock(McpTools tools) {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                        .script(McpToolsTest::pairTwice)
                        .start();
                ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                        .region("us-east-1")
                        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIATEST", "secret")))
                        .endpointOverride(simulator.endpoint())
                        .build()) {
            return Agent.builder()
                    .model(claude.chatModel())
                    .tools(tools.tools())
                    .build()
                    .run("Pair up");
        }
    }

    @Test
    void overStdioTwoCallsOfOneTurnAreInFlightTogether() {
        try (McpTools tools = stdio().build()) {
            assertThat(pairOnBedrock(tools).answer()).isEqualTo("a overlapped, b overlapped");
        }
    }

    @Test
    void overStreamableHttpTwoCallsOfOneTurnAreInFlightTogether() throws Exception {
        try (McpTools tools = http().build()) {
            assertThat(pairOnBedrock(tools).answer()).isEqualTo("a overlapped, b overlapped");
        }
    }

    @Test
    void annotationsBecomePoliciesAndTheUserCanSayOtherwise() {
        try (McpTools tools = stdio().policy("send", ToolPolicy.readOnly()).build()) {
            Map<String, ToolPolicy> policies =
                    tools.tools().stream().collect(Collectors.toMap(Tool::name, Tool::policy));
            assertThat(policies.get("echo").sideEffecting()).isFalse();
            assertThat(policies.get("upsert").sideEffecting()).isTrue();
            assertThat(policies.get("upsert").idempotent()).isTrue();
            assertThat(policies.get("send")).isEqualTo(ToolPolicy.readOnly());
        }
        try (McpTools tools = stdio().build()) {
            ToolPolicy send = tools.tools().stream()
                    .filter(t -> t.name().equals("send"))
                    .findFirst()
                    .orElseThrow()
                    .policy();
            assertThat(send.sideEffecting()).isTrue();
            assertThat(send.idempotent()).isFalse();
            AgentResult refused = run(tools, toolCalls(call("s", "send", "{}")));
            assertThat(step(refused, "s").status()).as("no approval handler").isEqualTo(StepStatus.REFUSED);
        }
    }

    @Test
    void errorResultsHugeResultsAndTimeoutsAreStepOutcomesTheRunGoesOnWith() {
        try (McpTools tools = stdio().timeout(Duration.ofSeconds(2)).build()) {
            AgentResult result = run(
                    tools,
                    toolCalls(call("f", "fail", "{}"), call("g", "big", "{}"), call("s", "slow", "{}")),
                    toolCalls(call("e", "echo", "{\"key\":\"after\"}")));

            assertThat(step(result, "f").status()).isEqualTo(StepStatus.FAILED);
            assertThat(step(result, "f").text()).contains("failed on purpose");
            assertThat(step(result, "g").status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(step(result, "g").text()).hasSizeLessThan(21_000).contains("output truncated");
            assertThat(step(result, "s").status()).isEqualTo(StepStatus.TIMED_OUT);
            assertThat(step(result, "e").text()).isEqualTo("echo after");
        }
    }

    @Test
    void aServerThatDiesFailsTheStepClearlyAndTheNextCallStartsItAgain() {
        try (McpTools tools = stdio().build()) {
            AgentResult result =
                    run(tools, toolCalls(call("d", "die", "{}")), toolCalls(call("e", "echo", "{\"key\":\"again\"}")));

            assertThat(step(result, "d").status()).isEqualTo(StepStatus.FAILED);
            assertThat(step(result, "d").text()).contains("exited while die was running");
            assertThat(step(result, "e").text()).isEqualTo("echo again");
            assertThat(run(tools, toolCalls(call("x", "echo", "{\"key\":\"next run\"}")))
                            .steps()
                            .getFirst()
                            .text())
                    .isEqualTo("echo next run");
        }
    }

    @Test
    void aChangedToolListIsSeenWithoutReconnecting() throws Exception {
        try (McpTools tools = stdio().build()) {
            CountDownLatch changed = new CountDownLatch(1);
            tools.onToolsChanged(names -> {
                if (names.contains("late")) {
                    changed.countDown();
                }
            });
            assertThat(tools.tools()).extracting(Tool::name).doesNotContain("late");

            run(tools, toolCalls(call("g", "grow", "{}")));

            assertThat(changed.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(tools.tools()).extracting(Tool::name).contains("late");
            assertThat(run(tools, toolCalls(call("l", "late", "{}")))
                            .steps()
                            .getFirst()
                            .text())
                    .isEqualTo("late");
        }
    }

    @Test
    void toolSearchFindsAnMcpServersToolsLikeAnyOther() {
        try (McpTools tools = stdio().build()) {
            ScriptedChatModel model = ScriptedChatModel.turns(
                    toolCalls(call("s1", "search_tools", "{\"query\":\"a tool that always fails\"}")),
                    AiMessage.from("found it"));
            Agent.builder()
                    .model(model)
                    .tools(tools.tools())
                    .plugin(dev.quarry.tools.ToolSearch.builder()
                            .threshold(3)
                            .maxResults(2)
                            .build())
                    .build()
                    .run("Which tool fails?");

            assertThat(model.requests().get(0).toolSpecifications())
                    .extracting(dev.langchain4j.agent.tool.ToolSpecification::name)
                    .containsExactly("search_tools");
            assertThat(model.requests().get(1).toolSpecifications())
                    .extracting(dev.langchain4j.agent.tool.ToolSpecification::name)
                    .contains("fail", "search_tools");
        }
    }

    @Test
    void twoServersWithTheSameToolNamesNeedAPrefix() {
        try (McpTools first = stdio().build();
                McpTools second = stdio().build();
                McpTools prefixed = stdio().prefix("b_").build()) {
            assertThatThrownBy(() -> Agent.builder()
                            .model(ScriptedChatModel.turns())
                            .tools(first.tools())
                            .tools(second.tools())
                            .build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("two tools are named 'pair'")
                    .hasMessageContaining("prefix");
            AgentResult result = run(
                    List.of(first.tools(), prefixed.tools()).stream()
                            .flatMap(List::stream)
                            .toList(),
                    toolCalls(call("e", "b_echo", "{\"key\":\"k\"}")));
            assertThat(result.steps().getFirst().text()).isEqualTo("echo k");
        }
    }

    @Test
    void closingStopsTheServerProcessAndABadCommandFailsClearly() {
        List<Long> before = children();
        McpTools tools = stdio().build();
        List<Long> started =
                children().stream().filter(pid -> !before.contains(pid)).toList();
        assertThat(started).as("the server's JVM").hasSize(1);
        tools.close();
        assertThat(ProcessHandle.of(started.getFirst()).filter(ProcessHandle::isAlive))
                .as("the server's JVM after close()")
                .isEmpty();

        assertThatThrownBy(() -> McpTools.stdio(JAVA, "-cp", CLASSPATH, "no.such.Main")
                        .startTimeout(Duration.ofSeconds(5))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MCP server")
                .hasMessageContaining("no.such.Main")
                .hasMessageContaining(" ... ");
    }

    /** The pids of this JVM's live child processes. */
    private static List<Long> children() {
        return ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid)
                .toList();
    }

    private static AgentResult run(McpTools tools, AiMessage... turns) {
        return run(tools.tools(), turns);
    }

    private static AgentResult run(List<Tool> tools, AiMessage... turns) {
        AiMessage[] all = java.util.Arrays.copyOf(turns, turns.length + 1);
        all[turns.length] = AiMessage.from("done");
        return Agent.builder()
                .model(ScriptedChatModel.turns(all))
                .tools(tools)
                .build()
                .run("Use the server's tools");
    }

    private static StepResult step(AgentResult result, String id) {
        return result.steps().stream()
                .filter(s -> s.stepId().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no step " + id + " in " + result.steps()));
    }
}
