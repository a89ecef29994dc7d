package dev.quarry.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The load harness on a tiny, fast configuration: every task answers at every level. Timing decides nothing. */
class LoadHarnessTest {

    @Test
    void everyContenderAnswersEveryTaskAtEveryLevel() throws Exception {
        List<LoadBenchmark.Point> points = LoadBenchmark.run(
                List.of(Contender.QUARRY_GRAPH_STREAMING, Contender.AISERVICES_CONCURRENT), new int[] {1, 4}, 0.01);

        assertThat(points).hasSize(4);
        assertThat(points).allSatisfy(p -> {
            assertThat(p.failures()).as("%s at %d", p.contender(), p.level()).isZero();
            assertThat(p.throughput()).isPositive();
            assertThat(p.peakThreads()).isPositive();
        });
        assertThat(LoadBenchmark.report(points, 0.01)).contains("| (e) Quarry GraphPlanner + streaming | 4 |");
        assertThat(LoadBenchmark.tasks(3)).extracting(ParallelQa.Task::question).doesNotHaveDuplicates();
    }
}
