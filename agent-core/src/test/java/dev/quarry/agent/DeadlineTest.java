package dev.quarry.agent;

import static dev.quarry.agent.TestTools.tool;
import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.error.DeadlineExceededException;
import dev.quarry.agent.schedule.Deadline;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The run loop owns the deadline: a run that answered before it returns, a run that did not throws
 * {@link DeadlineExceededException} carrying what it had. Never a normal result with steps cut short.
 */
class DeadlineTest {

    static final Duration DEADLINE = Duration.ofMillis(20);

    @Test
    void aDeadlinePassesExactlyOnceOnItsClock() {
        AtomicLong clock = new AtomicLong(1_000);
        Deadline deadline = Deadline.after(Duration.ofNanos(100), clock::get);
        assertThat(deadline.passed()).isFalse();
        assertThat(deadline.remainingNanos()).isEqualTo(100);
        clock.addAndGet(99);
        assertThat(deadline.passed()).isFalse();
        deadline.check("early");
        clock.addAndGet(1);
        assertThat(deadline.passed()).isTrue();
        assertThat(deadline.remainingNanos()).isZero();
        assertThatThrownBy(() -> deadline.check("waiting"))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("waiting");
        assertThatThrownBy(() -> Deadline.after(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aToolThatOutlastsTheDeadlineAlwaysEndsTheRunWithTheTypedErrorAndThePartialResult() {
        CountDownLatch never = new CountDownLatch(1);
        var slow = tool("slow", ToolPolicy.readOnly().withIdempotent(false), args -> {
            never.await();
            return ToolResult.of("late");
        });
        for (int i = 0; i < 20; i++) {
            ScriptedChatModel model = ScriptedChatModel.turns(
                    toolCalls(call("s1", "slow", "{\"q\":\"x\"}")), AiMessage.from("answer after the deadline"));
            Agent agent = Agent.builder()
                    .model(model)
                    .tool(slow)
                    .limits(Limits.DEFAULT.withDeadline(Duration.ofMillis(50)))
                    .build();
            assertThatThrownBy(() -> agent.run("go")).isInstanceOfSatisfying(DeadlineExceededException.class, e -> {
                AgentResult partial = e.partial(AgentResult.class).orElseThrow();
                assertThat(partial.answer()).isEmpty();
                assertThat(partial.usage().modelCalls()).isEqualTo(1);
                assertThat(partial.trace().spans()).isNotEmpty();
            });
            assertThat(model.requests())
                    .as("the model never saw results cut short")
                    .hasSize(1);
        }
    }

    /**
     * The racing case: the tool finishes around the deadline (spinning for a seeded random time, so some
     * runs finish before it and some after). Whatever the timing, the outcome is one of the two contracts.
     */
    @RepeatedTest(200)
    void aStepFinishingAroundTheDeadlineGivesAnAnswerInTimeOrTheTypedError(RepetitionInfo repetition) {
        long spinNanos = new SplittableRandom(repetition.getCurrentRepetition()).nextLong(2 * DEADLINE.toNanos());
        var racing = tool("racing", ToolPolicy.readOnly().withIdempotent(false), args -> {
            long end = System.nanoTime() + spinNanos;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return ToolResult.of("done");
        });
        ScriptedChatModel model =
                ScriptedChatModel.turns(toolCalls(call("r1", "racing", "{\"q\":\"x\"}")), AiMessage.from("answer"));
        Agent agent = Agent.builder()
                .model(model)
                .tool(racing)
                .limits(Limits.DEFAULT.withDeadline(DEADLINE))
                .build();
        try {
            AgentResult result = agent.run("go");
            assertThat(result.answer()).isEqualTo("answer");
            assertThat(result.steps()).extracting(StepResult::status).containsOnly(StepStatus.SUCCEEDED);
        } catch (DeadlineExceededException e) {
            AgentResult partial = e.partial(AgentResult.class).orElseThrow();
            assertThat(partial.usage().modelCalls()).isBetween(1, 2);
            assertThat(partial.answer()).isEmpty();
        } catch (RuntimeException e) {
            fail("a run ends with its answer or DeadlineExceededException, not " + e, e);
        }
    }
}
