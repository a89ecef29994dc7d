package dev.quarry.agent;

import static dev.quarry.agent.TestTools.echo;
import static dev.quarry.agent.TestTools.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.error.DeadlineExceededException;
import dev.quarry.agent.schedule.Deadline;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolModels;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.tool.ToolResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StepSchedulerTest {

    static ObjectNode q(String value) {
        return JsonNodeFactory.instance.objectNode().put("q", value);
    }

    static Deadline farDeadline() {
        return Deadline.after(Duration.ofMinutes(5));
    }

    static StepScheduler.Run open(StepScheduler scheduler, Tool... tools) {
        return scheduler.open(
                "t" + System.nanoTime(), new ToolRegistry(List.of(tools)), farDeadline(), ToolModels.NONE, List.of());
    }

    @Test
    void independentStepsRunAtTheSameTime() {
        // three parties: the barrier only opens if all three steps are running at once
        CyclicBarrier together = new CyclicBarrier(3);
        Tool meet = tool("meet", ToolPolicy.readOnly().withIdempotent(false), args -> {
            together.await(30, TimeUnit.SECONDS);
            return ToolResult.of("met " + args.get("q").asText());
        });
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), meet)) {
            List<StepResult> results = run.execute(
                    List.of(Step.of("a", "meet", q("1")), Step.of("b", "meet", q("2")), Step.of("c", "meet", q("3"))));
            assertThat(results).extracting(StepResult::status).containsOnly(StepStatus.SUCCEEDED);
            assertThat(results).extracting(StepResult::text).containsExactly("met 1", "met 2", "met 3");
        }
    }

    @Test
    void dependentStepsWaitAndReceiveEarlierResults() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Tool record = tool("record", ToolPolicy.readOnly(), args -> {
            order.add(args.get("q").asText());
            return ToolResult.of("<" + args.get("q").asText() + ">");
        });
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), record)) {
            List<StepResult> results = run.execute(List.of(
                    new Step("c", "record", q("c uses ${a} and ${b}"), List.of("a", "b")),
                    Step.of("a", "record", q("a")),
                    new Step("b", "record", q("b after ${a}"), List.of("a"))));
            assertThat(results).extracting(StepResult::stepId).containsExactly("c", "a", "b");
            assertThat(results.get(0).text()).isEqualTo("<c uses <a> and <b after <a>>>");
            assertThat(order).containsExactly("a", "b after <a>", "c uses <a> and <b after <a>>");
        }
    }

    @Test
    void aLongChainListedBackwardsRunsInDependencyOrderAndACycleIsSkipped() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Tool record = tool("record", ToolPolicy.readOnly(), args -> {
            order.add(args.get("q").asText());
            return ToolResult.of(args.get("q").asText());
        });
        List<Step> steps = new ArrayList<>();
        for (int i = 999; i >= 0; i--) {
            steps.add(new Step("s" + i, "record", q(Integer.toString(i)), i == 0 ? List.of() : List.of("s" + (i - 1))));
        }
        steps.add(new Step("x", "record", q("x"), List.of("y")));
        steps.add(new Step("y", "record", q("y"), List.of("x")));
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), record)) {
            List<StepResult> results = run.execute(steps);
            assertThat(results.subList(0, 1000)).extracting(StepResult::status).containsOnly(StepStatus.SUCCEEDED);
            assertThat(results.subList(1000, 1002))
                    .extracting(StepResult::status)
                    .containsOnly(StepStatus.SKIPPED);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            expected.add(Integer.toString(i));
        }
        assertThat(order).isEqualTo(expected);
    }

    @Test
    void aStepWhoseDependencyFailedIsSkipped() {
        Tool fail = tool("fail", ToolPolicy.readOnly().withIdempotent(false), args -> {
            throw new ToolException("no data for " + args.get("q").asText());
        });
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), fail, echo("echo"))) {
            List<StepResult> results = run.execute(List.of(
                    Step.of("a", "fail", q("x")),
                    new Step("b", "echo", q("$a"), List.of("a")),
                    new Step("c", "echo", q("x"), List.of("zzz"))));
            assertThat(results.get(0).status()).isEqualTo(StepStatus.FAILED);
            assertThat(results.get(0).text()).contains("no data for x");
            assertThat(results.get(1).status()).isEqualTo(StepStatus.SKIPPED);
            assertThat(results.get(2).status()).isEqualTo(StepStatus.SKIPPED);
            assertThat(results.get(2).text()).contains("zzz");
        }
    }

    @Test
    void perToolConcurrencyLimitHolds() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Tool limited = tool("limited", ToolPolicy.readOnly().withMaxConcurrency(2), args -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            release.await();
            running.decrementAndGet();
            return ToolResult.of("ok");
        });
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), limited)) {
            var futures = new ArrayList<java.util.concurrent.CompletableFuture<StepResult>>();
            for (int i = 0; i < 6; i++) {
                futures.add(run.submit(Step.of("s" + i, "limited", q("" + i))));
            }
            while (running.get() < 2) {
                Thread.onSpinWait();
            }
            release.countDown();
            assertThat(run.await(futures)).extracting(StepResult::status).containsOnly(StepStatus.SUCCEEDED);
            assertThat(peak.get()).isEqualTo(2);
        }
    }

    @Test
    void aHangingToolTimesOutAndTheOthersFinish() {
        Tool hang =
                tool("hang", ToolPolicy.readOnly().withIdempotent(false).withTimeout(Duration.ofMillis(200)), args -> {
                    new CountDownLatch(1).await();
                    return ToolResult.of("never");
                });
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), hang, echo("echo"))) {
            List<StepResult> results = run.execute(List.of(Step.of("h", "hang", q("x")), Step.of("e", "echo", q("y"))));
            assertThat(results.get(0).status()).isEqualTo(StepStatus.TIMED_OUT);
            assertThat(results.get(0).text()).contains("did not finish within 200 ms");
            assertThat(results.get(1).text()).isEqualTo("echo:y");
        }
    }

    @Test
    void transientFailuresOfIdempotentToolsAreRetriedWithinBounds() {
        AtomicInteger calls = new AtomicInteger();
        Tool flaky = tool("flaky", ToolPolicy.readOnly(), args -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("connection reset");
            }
            return ToolResult.of("third time lucky");
        });
        StepScheduler scheduler = StepScheduler.builder()
                .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)))
                .build();
        try (StepScheduler.Run run = open(scheduler, flaky)) {
            StepResult result =
                    run.execute(List.of(Step.of("f", "flaky", q("x")))).getFirst();
            assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(result.attempts()).isEqualTo(3);
        }
        AtomicInteger sideEffects = new AtomicInteger();
        Tool unsafe = tool("unsafe", ToolPolicy.readOnly().withIdempotent(false), args -> {
            sideEffects.incrementAndGet();
            throw new IOException("connection reset");
        });
        try (StepScheduler.Run run = open(scheduler, unsafe)) {
            StepResult result =
                    run.execute(List.of(Step.of("u", "unsafe", q("x")))).getFirst();
            assertThat(result.status()).isEqualTo(StepStatus.FAILED);
            assertThat(sideEffects.get()).isEqualTo(1);
        }
    }

    @Test
    void identicalCallsInOneRunExecuteOnce() {
        AtomicInteger calls = new AtomicInteger();
        Tool counted = tool("counted", ToolPolicy.readOnly(), args -> ToolResult.of("n=" + calls.incrementAndGet()));
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), counted)) {
            ObjectNode a =
                    JsonNodeFactory.instance.objectNode().put("q", "same").put("z", 1);
            ObjectNode b = JsonNodeFactory.instance.objectNode().put("z", 1).put("q", "same");
            List<StepResult> results = run.execute(List.of(
                    Step.of("1", "counted", a), Step.of("2", "counted", b), Step.of("3", "counted", q("other"))));
            assertThat(calls.get()).isEqualTo(2);
            assertThat(results.get(0).text()).isEqualTo(results.get(1).text());
            assertThat(results.stream().filter(StepResult::deduplicated)).hasSize(1);
        }
    }

    @Test
    void badArgumentsAndUnknownToolsComeBackAsCorrectableResults() {
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), echo("echo"))) {
            List<StepResult> results = run.execute(List.of(
                    Step.of("1", "echo", JsonNodeFactory.instance.objectNode().put("q", 5)),
                    Step.of("2", "echo", JsonNodeFactory.instance.objectNode()),
                    Step.of("3", "nope", q("x"))));
            assertThat(results.get(0).status()).isEqualTo(StepStatus.INVALID_ARGUMENTS);
            assertThat(results.get(0).text()).contains("arguments.q must be a string");
            assertThat(results.get(1).text()).contains("arguments.q is required");
            assertThat(results.get(2).status()).isEqualTo(StepStatus.UNKNOWN_TOOL);
            assertThat(results.get(2).text()).contains("Available tools: [echo]");
        }
    }

    @Test
    void oversizedOutputIsCappedWithAMarker() {
        Tool big = tool("big", ToolPolicy.readOnly(), args -> ToolResult.of("x".repeat(5000)));
        try (StepScheduler.Run run =
                open(StepScheduler.builder().maxResultChars(1000).build(), big)) {
            StepResult result =
                    run.execute(List.of(Step.of("b", "big", q("x")))).getFirst();
            assertThat(result.text()).startsWith("x".repeat(1000)).contains("[output truncated: 4000 more characters");
        }
    }

    @Test
    void closingARunStopsEveryToolItStarted() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch ended = new CountDownLatch(2);
        List<Thread> toolThreads = Collections.synchronizedList(new ArrayList<>());
        Tool block = tool("block", ToolPolicy.readOnly().withIdempotent(false), args -> {
            toolThreads.add(Thread.currentThread());
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return ToolResult.of("never");
            } finally {
                ended.countDown();
            }
        });
        StepScheduler.Run run = open(StepScheduler.builder().build(), block);
        var first = run.submit(Step.of("1", "block", q("a")));
        run.submit(Step.of("2", "block", q("b")));
        started.await();
        // tools run on isolated platform threads, so a tool that spins cannot pin the virtual-thread carriers
        assertThat(toolThreads).hasSize(2).allMatch(Thread::isAlive).noneMatch(Thread::isVirtual);
        run.close();
        assertThat(ended.await(10, TimeUnit.SECONDS))
                .as("every tool was interrupted and ended")
                .isTrue();
        assertThat(first.get().status()).isEqualTo(StepStatus.CANCELLED);
        assertThatThrownBy(() -> run.submit(Step.of("3", "block", q("c")))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutIsolationToolsRunOnVirtualThreads() {
        List<Boolean> virtual = Collections.synchronizedList(new ArrayList<>());
        Tool where = tool("where", ToolPolicy.readOnly(), args -> {
            virtual.add(Thread.currentThread().isVirtual());
            return ToolResult.of("ok");
        });
        try (StepScheduler.Run run =
                open(StepScheduler.builder().isolateTools(false).build(), where)) {
            run.execute(List.of(Step.of("1", "where", q("a"))));
        }
        try (StepScheduler.Run run = open(StepScheduler.builder().build(), where)) {
            run.execute(List.of(Step.of("1", "where", q("a"))));
        }
        assertThat(virtual).containsExactly(true, false);
    }

    @Test
    void waitingPastTheDeadlineCancelsTheRun() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        Tool block = tool("block", ToolPolicy.readOnly().withIdempotent(false), args -> {
            try {
                new CountDownLatch(1).await();
                return ToolResult.of("never");
            } finally {
                ended.countDown();
            }
        });
        StepScheduler scheduler = StepScheduler.builder().build();
        try (StepScheduler.Run run = scheduler.open(
                "deadline",
                new ToolRegistry(List.of(block)),
                Deadline.after(Duration.ofMillis(200)),
                ToolModels.NONE,
                List.of())) {
            assertThatThrownBy(() -> run.execute(List.of(Step.of("1", "block", q("a")))))
                    .isInstanceOf(DeadlineExceededException.class);
        }
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
