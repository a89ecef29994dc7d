package dev.quarry.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.testkit.LatencyProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke test of the scenario harness: every contender answers tiny tasks of ParallelQA's shape correctly. */
class ScenarioHarnessTest {

    private static final List<ParallelQa.Task> TASKS = List.of(
            new ParallelQa.Task("t2", "Which is longer after doubling, river A or river B?", "river A", 2),
            new ParallelQa.Task("t3", "Which of three towers is tallest if the first shrinks by half?", "tower C", 3),
            new ParallelQa.Task("t5", "Which of five lakes is deepest after a 10% drop?", "lake E", 5));

    @Test
    void everyContenderAnswersByTheContractWithTheRoundTripsItsProtocolNeeds(@TempDir Path out) throws Exception {
        var settings = new ScenarioRunner.ScenarioSettings(ScenarioBenchmark.BASELINE, 0.01, 3, 7);
        List<PointSummary> points = new ArrayList<>();
        try (ScenarioRunner runner = new ScenarioRunner(TASKS, settings)) {
            for (Contender contender : Contender.values()) {
                List<TaskRun> runs = runner.run(contender, 1.0, 40);
                assertThat(runs).extracting(TaskRun::problem).containsOnlyNulls();
                for (TaskRun run : runs) {
                    int expectedCalls = switch (contender) {
                        case AISERVICES_SEQUENTIAL -> run.branch() + 2;
                        case AISERVICES_PARALLEL_CALLS_SEQUENTIAL, AISERVICES_CONCURRENT, QUARRY_TOOL_USE -> 3;
                        default -> 1;
                    };
                    assertThat(run.modelCalls())
                            .as("%s on %s", contender, run.taskId())
                            .isEqualTo(expectedCalls);
                    assertThat(run.toolCalls())
                            .isEqualTo(run.branch()
                                    + 1
                                    + (contender == Contender.QUARRY_GRAPH_STREAMING_PREFETCH ? 1 : 0));
                    assertThat(run.wallSeconds()).isGreaterThanOrEqualTo(run.criticalPathSeconds() * 0.99);
                }
                points.add(PointSummary.of(runs));
            }
        }
        ScenarioReport report = new ScenarioReport(points, 1.0, Contender.QUARRY_GRAPH_STREAMING, "tiny, baseline");
        assertThat(report.headline())
                .contains("(c) Quarry default (ToolUsePlanner) [default configuration]")
                .contains("(e) Quarry GraphPlanner + streaming [headline]")
                .contains("faster than (a)")
                .contains("faster than (a2)")
                .contains("faster than (b)")
                .doesNotContain("(d) Quarry GraphPlanner:")
                .doesNotContain("(f)");
        assertThat(report.tables()).contains("| (a) ReAct, one call per turn (AiServices) | 1x |");
        List<Path> charts = report.writeCharts(out);
        assertThat(charts).hasSize(1);
        byte[] png = Files.readAllBytes(charts.getFirst());
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void theSameCallCostsTheSameTokensInEveryProtocol() {
        // contract: output = calls x R + every call once + the answer, whichever way the calls were batched
        int visible = ScenarioOracle.visibleTokens(TASKS.get(1));
        assertThat(visible).isGreaterThan(ScenarioOracle.tokens(ScenarioOracle.answer(TASKS.get(1))));
        assertThat(ScenarioOracle.tokens("abcd")).isEqualTo(1);
        assertThat(ScenarioOracle.tokens("abcde")).isEqualTo(2);
    }

    @Test
    void criticalPathIsTheHeaviestChainAndMayFollowAPrefixOfAStreamedTurn() {
        var model = new CriticalPath.Interval(0, 100, false);
        var toolA = new CriticalPath.Interval(110, 150, false);
        var toolB = new CriticalPath.Interval(110, 180, false);
        var joiner = new CriticalPath.Interval(190, 200, false);
        assertThat(CriticalPath.of(List.of(model, toolA, toolB, joiner))).isEqualTo(100 + 70 + 10);

        var streamed = new CriticalPath.Interval(0, 100, true);
        var early = new CriticalPath.Interval(60, 140, false);
        assertThat(CriticalPath.of(List.of(streamed, early))).isEqualTo(60 + 80);
        assertThat(CriticalPath.of(List.of(new CriticalPath.Interval(0, 100, false), early)))
                .isEqualTo(100);
        assertThat(CriticalPath.of(List.of())).isZero();
    }

    @Test
    void theBaselineScalesByOneCommonFactor() {
        var settings = new ScenarioRunner.ScenarioSettings(ScenarioBenchmark.BASELINE, 0.1, 1, 7);
        LatencyProfile scaled = settings.profile(2.0);
        assertThat(scaled.total(1000, 60).toNanos())
                .isEqualTo(ScenarioBenchmark.BASELINE.total(1000, 60).toNanos() / 20);
    }

    @Test
    void badOptionsAreExplained() {
        assertThatThrownBy(() -> ScenarioBenchmark.parse(new String[] {"--contenders", "z"}))
                .hasMessageContaining("unknown contender z");
        assertThatThrownBy(() -> ScenarioBenchmark.parse(new String[] {"--scale", "2"}))
                .hasMessageContaining("--scale must be in (0, 1]");
        assertThatThrownBy(() -> ScenarioBenchmark.parse(new String[] {"--tasks"}))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ScenarioBenchmark.parse(new String[] {"--profile", "gpt"}))
                .hasMessageContaining("unknown profile gpt")
                .hasMessageContaining("sonnet-4.5");
        assertThatThrownBy(() -> ScenarioBenchmark.parse(new String[] {"--headline", "b"}))
                .hasMessageContaining("--headline must be one of Quarry's contenders");
        ScenarioBenchmark.Options options =
                ScenarioBenchmark.parse(new String[] {"--profile", "Sonnet-4.6", "--headline", "d"});
        assertThat(options.profile()).isEqualTo(ModelProfile.SONNET_4_6);
        assertThat(options.profile().latency().outputTokensPerSecond()).isEqualTo(95.3);
        assertThat(options.headline()).isEqualTo(Contender.QUARRY_GRAPH);
        assertThat(ScenarioBenchmark.workload(java.nio.file.Path.of("x", "parallelqa_dataset.json")))
                .isEqualTo("parallelqa_dataset");
        assertThat(ScenarioBenchmark.parse(new String[] {"--help"})).isNull();
    }
}
