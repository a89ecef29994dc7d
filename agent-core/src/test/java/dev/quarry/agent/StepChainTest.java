package dev.quarry.agent;

import static dev.quarry.agent.TestTools.tool;
import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every tool call passes through one chain: deduplication, approval, users', truncation, retry, timeout. */
class StepChainTest {

    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<String> seenResults = new CopyOnWriteArrayList<>();

    StepInterceptor recording() {
        return (call, chain) -> {
            seen.add(call.step().id() + " " + call.tool().name());
            StepResult result = chain.proceed(call);
            seenResults.add(result.status() + " " + result.attempts() + " "
                    + result.text().length());
            return result;
        };
    }

    @Test
    void anInterceptorThatThrowsFailsItsStepSayingWhyAndTheRunGoesOn() {
        ScriptedChatModel model =
                ScriptedChatModel.turns(toolCalls(call("e1", "echo", "{\"q\":\"a\"}")), AiMessage.from("done"));
        AgentResult result = Agent.builder()
                .model(model)
                .tool(TestTools.echo("echo"))
                .stepInterceptor((call, chain) -> {
                    throw new IllegalStateException("the audit log is full");
                })
                .build()
                .run("go");

        assertThat(result.answer()).isEqualTo("done");
        assertThat(result.steps().getFirst().status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.steps().getFirst().text()).isEqualTo("The step could not run: the audit log is full");
    }

    @Test
    void aUsersInterceptorSeesEachDistinctApprovedCallOnceAndItsFinalResult() {
        AtomicInteger flaky = new AtomicInteger();
        var read = tool("read", ToolPolicy.readOnly(), args -> {
            if (flaky.incrementAndGet() < 3) {
                throw new IOException("connection reset");
            }
            return ToolResult.of("x".repeat(5_000));
        });
        var send = tool("send", ToolPolicy.sideEffects(), args -> ToolResult.of("sent"));
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(
                        call("r1", "read", "{\"q\":\"a\"}"),
                        call("r2", "read", "{\"q\":\"a\"}"),
                        call("s1", "send", "{\"q\":\"b\"}")),
                AiMessage.from("done"));
        AgentResult result = Agent.builder()
                .model(model)
                .tool(read)
                .tool(send)
                .stepInterceptor(recording())
                .stepRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)))
                .maxResultChars(1_000)
                .build()
                .run("go");

        // r1 and r2 are the same call, run at once: whichever gets there first runs, the other shares its result
        assertThat(seen)
                .as("the duplicate and the refused call never reach it")
                .singleElement()
                .satisfies(entry -> assertThat(entry).isIn("r1 read", "r2 read"));
        assertThat(seenResults.getFirst())
                .as("retries happen inside it, and it sees the truncated text")
                .startsWith("SUCCEEDED 3 ")
                .isNotEqualTo("SUCCEEDED 3 5000");
        assertThat(result.steps())
                .extracting(StepResult::status)
                .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED, StepStatus.REFUSED);
        assertThat(result.steps().subList(0, 2))
                .filteredOn(StepResult::deduplicated)
                .hasSize(1);
    }

    /**
     * A CPU-bound tool that ignores interruption: it times out, is not started again while it still spins,
     * and neither this run nor later runs in the JVM are held up (its thread is an isolated platform thread,
     * not a virtual-thread carrier).
     */
    @Test
    void aToolThatSpinsAndIgnoresInterruptionStallsNothing() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger copies = new AtomicInteger();
        CountDownLatch ended = new CountDownLatch(2);
        var spin = tool("spin", ToolPolicy.readOnly().withTimeout(Duration.ofMillis(100)), args -> {
            copies.incrementAndGet();
            try {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
                return ToolResult.of("stopped");
            } finally {
                ended.countDown();
            }
        });
        try {
            ScriptedChatModel model = ScriptedChatModel.turns(
                    toolCalls(call("a", "spin", "{\"q\":\"1\"}"), call("b", "spin", "{\"q\":\"2\"}")),
                    AiMessage.from("gave up on spinning"));
            Agent agent = Agent.builder()
                    .model(model)
                    .tool(spin)
                    .stepRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)))
                    .build();
            AgentResult result = agent.run("spin twice");
            assertThat(result.answer()).isEqualTo("gave up on spinning");
            assertThat(result.steps()).extracting(StepResult::status).containsOnly(StepStatus.TIMED_OUT);
            assertThat(copies).as("no retry while the first attempt still runs").hasValue(2);

            // both spinners still run; a later run with virtual-thread work goes on regardless
            ScriptedChatModel later = ScriptedChatModel.turns(
                    toolCalls(call("e", "echo", "{\"q\":\"hi\"}")), AiMessage.from("later run answered"));
            AgentResult next = Agent.builder()
                    .model(later)
                    .tool(TestTools.echo("echo"))
                    .build()
                    .run("echo");
            assertThat(next.answer()).isEqualTo("later run answered");
            assertThat(ended.getCount()).as("the spinners were still running").isEqualTo(2);
        } finally {
            stop.set(true);
        }
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A tool that timed out and stopped when interrupted is tried again: its first attempt had ended. */
    @Test
    void aTimedOutToolThatAnswersInterruptionIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        var slowOnce = tool("slow_once", ToolPolicy.readOnly().withTimeout(Duration.ofMillis(100)), args -> {
            if (calls.incrementAndGet() == 1) {
                new CountDownLatch(1).await(); // ends, interrupted, at the timeout
            }
            return ToolResult.of("second time");
        });
        ScriptedChatModel model =
                ScriptedChatModel.turns(toolCalls(call("s", "slow_once", "{\"q\":\"x\"}")), AiMessage.from("done"));
        AgentResult result = Agent.builder()
                .model(model)
                .tool(slowOnce)
                .stepRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)))
                .build()
                .run("go");
        assertThat(result.steps().getFirst().status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.steps().getFirst().attempts()).isEqualTo(2);
    }
}
