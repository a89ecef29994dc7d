package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

/**
 * 1,000 agent runs at once in one JVM, on virtual threads, against the simulated Bedrock: every first reply
 * thinks for 15 s, so all runs wait in a model call together; the heap is measured once the last request has
 * arrived, then every run must finish with the right answer. The heap figures are reported, not asserted.
 */
class LoadTest {

    static final int RUNS = 1_000;

    @Test
    void aThousandConcurrentRunsAllFinishRight() throws Exception {
        CountDownLatch allWaiting = new CountDownLatch(RUNS);
        List<AgentResult> results = new ArrayList<>();
        long baseline;
        long withIdleRuns;
        long peak;
        try (BedrockSimulator simulator = BedrockSimulator.builder()
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
                .start()) {
            Agent agent = Agent.builder()
                    .model(Simulated.claude(simulator, RUNS + 100).chatModel())
                    .toolsFrom(new Simulated.Lookup())
                    .build();
            agent.run(Simulated.task(-1)); // warm up classes and connections outside the measurement
            baseline = usedHeapAfterGc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            List<Future<AgentResult>> futures = new ArrayList<>();
            try (ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int n = 0; n < RUNS; n++) {
                    int run = n;
                    futures.add(runs.submit(() -> agent.run(Simulated.task(run))));
                }
                assertThat(allWaiting.await(2, TimeUnit.MINUTES))
                        .as("all runs reached the model")
                        .isTrue();
                withIdleRuns = usedHeapAfterGc();
                for (Future<AgentResult> future : futures) {
                    results.add(future.get());
                }
            }
            peak = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP)
                    .mapToLong(pool -> pool.getPeakUsage().getUsed())
                    .sum();
        }
        for (int n = 0; n < RUNS; n++) {
            assertThat(results.get(n).answer()).isEqualTo(Simulated.answer(n));
        }
        System.out.printf(
                "load: %d concurrent runs; heap baseline %.1f MiB, with every run waiting on the model %.1f MiB"
                        + " (%.1f KiB per idle run, HTTP connection included), peak %.1f MiB%n",
                RUNS,
                baseline / 1048576.0,
                withIdleRuns / 1048576.0,
                (withIdleRuns - baseline) / 1024.0 / RUNS,
                peak / 1048576.0);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
