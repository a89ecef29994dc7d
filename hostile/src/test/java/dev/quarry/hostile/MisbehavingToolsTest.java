package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.CapturedRequest;
import dev.quarry.testkit.Turn;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * One model turn asks for four tools at once, through the real Bedrock path: one answers, one throws, one
 * hangs past its timeout and one returns 5 MB. The good one's result is used, the model is told about each
 * failure and the oversized output arrives capped with a marker, and the run completes.
 */
class MisbehavingToolsTest {

    static Tool tool(String name, ToolPolicy policy, Tool.Body body) {
        return Tool.of(ToolSpecification.builder().name(name).description(name).build(), policy, body);
    }

    @Test
    void theOtherStepsFinishAndTheModelIsToldWhatWentWrong() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        List<Tool> tools = List.of(
                tool("good", ToolPolicy.readOnly(), (args, context) -> ToolResult.of("42")),
                tool("broken", ToolPolicy.readOnly().withIdempotent(false), (args, context) -> {
                    throw new IllegalStateException("database connection refused");
                }),
                tool("hanging", ToolPolicy.readOnly().withTimeout(Duration.ofMillis(300)), (args, context) -> {
                    never.await();
                    return ToolResult.of("unreachable");
                }),
                tool("flood", ToolPolicy.readOnly(), (args, context) -> ToolResult.of("x".repeat(5_000_000))));
        List<CapturedRequest> requests;
        AgentResult result;
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .script(request -> Simulated.toolResults(request).isEmpty()
                        ? Turn.toolUse(
                                "",
                                new Turn.ToolUse("1", "good", "{}"),
                                new Turn.ToolUse("2", "broken", "{}"),
                                new Turn.ToolUse("3", "hanging", "{}"),
                                new Turn.ToolUse("4", "flood", "{}"))
                        : Turn.text("Only the good tool answered: 42."))
                .start()) {
            result = Agent.builder()
                    .model(Simulated.claude(simulator, 8).chatModel())
                    .tools(tools)
                    .build()
                    .run("Use every tool.");
            requests = simulator.requests();
        }
        assertThat(result.answer()).isEqualTo("Only the good tool answered: 42.");
        assertThat(result.steps())
                .extracting(StepResult::status)
                .containsExactly(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.TIMED_OUT, StepStatus.SUCCEEDED);

        List<String> sent = Simulated.toolResults(requests.getLast().body());
        assertThat(sent).hasSize(4);
        assertThat(sent.get(0)).isEqualTo("42");
        assertThat(sent.get(1)).contains("database connection refused");
        assertThat(sent.get(2)).contains("did not finish within 300 ms");
        assertThat(sent.get(3)).hasSizeLessThan(21_000).contains("[output truncated:");
        assertThat(Simulated.busyQuarryThreads()).isEmpty();
    }
}
