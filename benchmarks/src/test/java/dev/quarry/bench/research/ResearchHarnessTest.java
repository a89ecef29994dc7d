package dev.quarry.bench.research;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.bench.scenario.ModelProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The research harness on a tiny, fast configuration: every contender answers every part correctly through
 * the real AWS SDK and the simulator, with the model calls its protocol implies, and the report is complete.
 * Timing never decides this test; the only timing assertion is the path's definition (never negative).
 */
class ResearchHarnessTest {

    @Test
    void everyContenderAnswersEveryPartWithTheModelCallsItsProtocolImplies() {
        ResearchBenchmark.Options options =
                new ResearchBenchmark.Options(ModelProfile.BASELINE, 1, 0.01, 2, 1, 3, Duration.ofMillis(300));
        List<ResearchTask> tasks = ResearchTask.generate(2, 3);
        // k = 3 and 4; each sub-agent makes one call per hop and one to answer
        int childCalls = tasks.stream()
                .mapToInt(t -> t.parts().stream().mapToInt(p -> p.hops() + 1).sum())
                .sum();

        Map<ResearchContender, List<ResearchBenchmark.TaskRun>> runs =
                ResearchBenchmark.run(options, List.of(ResearchContender.values()));

        assertThat(runs).containsOnlyKeys(ResearchContender.values());
        runs.forEach((contender, measured) -> {
            assertThat(measured).as(contender.label()).hasSize(2).allMatch(ResearchBenchmark.TaskRun::correct);
            int coordinatorCalls = switch (contender) {
                // one call per part, then the synthesis
                case SUPERVISOR_SEQUENTIAL ->
                    tasks.stream().mapToInt(t -> t.parts().size() + 1).sum();
                // all parts in one call (a plan for (e)), then the synthesis (a join for (e))
                default -> 2 * tasks.size();
            };
            assertThat(measured.stream()
                            .mapToInt(ResearchBenchmark.TaskRun::modelCalls)
                            .sum())
                    .as(contender.label())
                    .isEqualTo(coordinatorCalls + childCalls);
            assertThat(measured).allSatisfy(run -> assertThat(run.path()).isPositive());
        });
        String report = ResearchBenchmark.report(options, runs);
        assertThat(report).contains("| (e) Quarry GraphPlanner + streaming + subAgent |", "| 3 |", "| 4 |");
    }

    @Test
    void aTaskIsAnsweredOnlyWhenEveryPartsFactIsInTheAnswer() {
        ResearchTask task = ResearchTask.generate(1, 5).getFirst();
        String all = String.join(
                " ", task.parts().stream().map(ResearchTask.Part::fact).toList());
        assertThat(task.answeredBy(all)).isTrue();
        assertThat(task.answeredBy(all.substring(all.indexOf(' ') + 1))).isFalse();
        assertThat(ResearchTask.Part.of(task.parts().getFirst().task()))
                .isEqualTo(task.parts().getFirst());
    }
}
