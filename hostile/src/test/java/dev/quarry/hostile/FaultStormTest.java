package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.Limits;
import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.CapturedRequest;
import dev.quarry.testkit.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * 200 agent runs, 16 at a time, against a Bedrock that throttles 30% of requests, is unavailable for 5% and
 * times out on 2%: every run ends with the right answer or a typed error before its deadline, no model call
 * is sent more often than the configured attempts, and no thread of any run is left afterwards.
 */
class FaultStormTest {

    static final int RUNS = 200;
    static final int AT_ONCE = 16;
    static final RetryPolicy RETRY = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(40));
    static final Duration DEADLINE = Duration.ofSeconds(60);

    /** How one run ended. */
    record Outcome(int run, String answer, QuarryException error, long nanos) {}

    @Test
    void everyRunEndsRightOrWithATypedErrorAndNothingIsLeftRunning() throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        List<CapturedRequest> requests;
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .script(Simulated::sumOfTwoLookups)
                .faultRate(Fault.THROTTLING, 0.30)
                .faultRate(Fault.SERVICE_UNAVAILABLE, 0.05)
                .faultRate(Fault.MODEL_TIMEOUT, 0.02)
                .seed(2026)
                .start()) {
            ChatModel model = Simulated.claude(simulator, 64).chatModel();
            Agent agent = Agent.builder()
                    .model(model)
                    .toolsFrom(new Simulated.Lookup())
                    .modelRetry(RETRY)
                    .limits(Limits.DEFAULT.withDeadline(DEADLINE))
                    .build();
            Semaphore slots = new Semaphore(AT_ONCE);
            List<Future<Outcome>> futures = new ArrayList<>();
            try (ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int n = 0; n < RUNS; n++) {
                    int run = n;
                    futures.add(runs.submit(() -> {
                        slots.acquire();
                        long start = System.nanoTime();
                        try {
                            AgentResult result = agent.run(Simulated.task(run));
                            return new Outcome(run, result.answer(), null, System.nanoTime() - start);
                        } catch (QuarryException e) {
                            return new Outcome(run, null, e, System.nanoTime() - start);
                        } finally {
                            slots.release();
                        }
                    }));
                }
                for (Future<Outcome> future : futures) {
                    outcomes.add(future.get()); // an untyped exception fails the test here
                }
            }
            requests = simulator.requests();
        }

        long right = outcomes.stream()
                .filter(o -> Simulated.answer(o.run()).equals(o.answer()))
                .count();
        long typed = outcomes.stream().filter(o -> o.error() != null).count();
        assertThat(right + typed).as("every run is right or a typed error").isEqualTo(RUNS);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.nanos()).isLessThan(DEADLINE.toNanos()));

        Map<String, Integer> sendsPerModelCall = new HashMap<>();
        for (CapturedRequest request : requests) {
            String call = Simulated.runOf(request.body()) + "/" + Simulated.assistantTurns(request.body());
            sendsPerModelCall.merge(call, 1, Integer::sum);
        }
        assertThat(sendsPerModelCall.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(RETRY.maxAttempts()));
        long faults = requests.stream().filter(r -> r.answeredWith() != null).count();
        assertThat(faults).as("faults were injected").isGreaterThan(RUNS / 4);

        assertThat(Simulated.busyQuarryThreads()).isEmpty();
        System.out.printf(
                "fault storm: %d runs, %d right, %d typed errors, %d requests, %d faults, max sends per call %d%n",
                RUNS,
                right,
                typed,
                requests.size(),
                faults,
                sendsPerModelCall.values().stream()
                        .mapToInt(Integer::intValue)
                        .max()
                        .orElse(0));
    }
}
