package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.LatencyProfile;
import dev.quarry.testkit.Turn;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * 1,000 agent runs at once in one JVM, on virtual threads, against the simulated Bedrock: every first reply
 * thinks for 15 s, so all runs wait in a model call together; the heap is measured once the last request has
 * arrived, then every run must finish with the right answer. A control does the same with 1,000 bare model
 * calls (the same SDK client and simulator, no agent), so the difference is what an idle agent run itself
 * holds. The heap figures are reported, not asserted.
 */
class LoadTest {

    static final int RUNS = 1_000;

    @Test
    void aThousandConcurrentRunsAllFinishRight() throws Exception {
        List<AgentResult> results = new ArrayList<>();
        Heap heap;
        try (Held held = new Held()) {
            Agent agent = Agent.builder()
                    .model(held.model)
                    .toolsFrom(new Simulated.Lookup())
                    .build();
            agent.run(Simulated.task(-1)); // warm up classes and connections outside the measurement
            heap = held.measure(run -> agent.run(Simulated.task(run)), results::add);
        }
        for (int n = 0; n < RUNS; n++) {
            assertThat(results.get(n).answer()).isEqualTo(Simulated.answer(n));
        }
        heap.report("concurrent runs", "per idle run, HTTP connection included");
    }

    @Test
    void theSameHeldCallsWithoutAnAgentGiveTheHarnessShareOfTheFigure() throws Exception {
        List<ChatResponse> responses = new ArrayList<>();
        Heap heap;
        try (Held held = new Held()) {
            held.model.chat(request(-1));
            heap = held.measure(run -> held.model.chat(request(run)), responses::add);
        }
        for (ChatResponse response : responses) {
            assertThat(response.aiMessage().toolExecutionRequests()).hasSize(2);
        }
        heap.report("bare model calls (no agent)", "per held call: SDK client, connection and simulator");
    }

    private static ChatRequest request(int run) {
        return ChatRequest.builder()
                .messages(UserMessage.from(Simulated.task(run)))
                .toolSpecifications(ToolSpecifications.toolSpecificationsFrom(new Simulated.Lookup()))
                .build();
    }

    /** Heap in use before the calls, with all of them waiting, and at the peak. */
    record Heap(long baseline, long waiting, long peak) {
        void report(String what, String perCall) {
            System.out.printf(
                    "load: %d %s; heap baseline %.1f MiB, with every call waiting on the model %.1f MiB"
                            + " (%.1f KiB %s), peak %.1f MiB%n",
                    RUNS,
                    what,
                    baseline / 1048576.0,
                    waiting / 1048576.0,
                    (waiting - baseline) / 1024.0 / RUNS,
                    perCall,
                    peak / 1048576.0);
        }
    }

    /** A simulator whose first reply to each run thinks for 15 s, and a Claude model on it. */
    static final class Held implements AutoCloseable {
        private final CountDownLatch allWaiting = new CountDownLatch(RUNS);
        private final BedrockSimulator simulator = BedrockSimulator.builder()
                .script(request -> {
                    Turn turn = Simulated.sumOfTwoLookups(request);
                    if (Simulated.assistantTurns(request) == 0 && Simulated.runOf(request) >= 0) {
                        allWaiting.countDown();
                        return turn.withThinking(30_000); // 15 s at 2,000 tokens/s
                    }
                    return turn;
                })
                .latency(new LatencyProfile(Duration.ofMillis(20), Duration.ZERO, 2_000))
                .serverThreads(RUNS + 100)
                .start();
        final ChatModel model = Simulated.claude(simulator, RUNS + 100).chatModel();

        /** Starts {@link #RUNS} calls on virtual threads, measures once all wait, then collects them in order. */
        <T> Heap measure(IntFunction<T> call, Consumer<T> collect) throws Exception {
            long baseline = usedHeapAfterGc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long waiting;
            List<Future<T>> futures = new ArrayList<>();
            try (ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int n = 0; n < RUNS; n++) {
                    int run = n;
                    futures.add(runs.submit(() -> call.apply(run)));
                }
                assertThat(allWaiting.await(2, TimeUnit.MINUTES))
                        .as("all calls reached the model")
                        .isTrue();
                waiting = usedHeapAfterGc();
                for (Future<T> future : futures) {
                    collect.accept(future.get());
                }
            }
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP)
                    .mapToLong(pool -> pool.getPeakUsage().getUsed())
                    .sum();
            return new Heap(baseline, waiting, peak);
        }

        @Override
        public void close() {
            simulator.close();
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
