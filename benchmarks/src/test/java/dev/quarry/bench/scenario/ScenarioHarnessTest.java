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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scenario harness: every contender answers tiny tasks of every shape correctly, by the contract. */
class ScenarioHarnessTest {

    private static final List<ParallelQa.Task> TASKS = List.of(
            new ParallelQa.Task("t2", "Which is longer after doubling, river A or river B?", "river A", 2),
            new ParallelQa.Task("t3", "Which of three towers is tallest if the first shrinks by half?", "tower C", 3),
            new ParallelQa.Task("t5", "Which of five lakes is deepest after a 10% drop?", "lake E", 5));

    @ParameterizedTest
    @ValueSource(strings = {"parallelqa", "parallelqa-reading", "chain", "fanout", "reading-long-prompt"})
    void everyContenderAnswersEveryShapeByTheContractWithTheRoundTripsItsProtocolNeeds(String shape, @TempDir Path out)
            throws Exception {
        Scenario scenario = Shapes.named(shape, TASKS);
        var settings = new ScenarioRunner.ScenarioSettings(ScenarioBenchmark.BASELINE, 0.01, 3, 7);
        List<PointSummary> points = new ArrayList<>();
        try (ScenarioRunner runner = new ScenarioRunner(scenario, settings)) {
            for (Contender contender : Contender.values()) {
                List<TaskRun> runs = runner.run(contender, 1.0, 40);
                assertThat(runs).extracting(TaskRun::problem).containsOnlyNulls();
                for (TaskRun run : runs) {
                    Scenario.Task task = scenario.tasks().stream()
                            .filter(t -> t.id().equals(run.taskId()))
                            .findFirst()
                            .orElseThrow();
                    boolean reading = task.ending().kind() == Scenario.EndingKind.READING;
                    int expectedCalls = switch (contender) {
                        case AISERVICES_SEQUENTIAL -> task.calls().size() + 1;
                        case AISERVICES_PARALLEL_CALLS_SEQUENTIAL,
                                AISERVICES_CONCURRENT,
                                AISERVICES_CONCURRENT_CACHED,
                                AISERVICES_STREAMING,
                                QUARRY_TOOL_USE,
                                QUARRY_TOOL_USE_STREAMING -> task.levels() + 1;
                        // the look-ahead's right predictions are in the first turn: only later levels remain
                        case QUARRY_LOOKAHEAD_100, QUARRY_LOOKAHEAD_70, QUARRY_LOOKAHEAD_40 ->
                            levelsLeft(task, contender.shownPredictions(task)) + 1;
                        default -> reading ? 2 : 1;
                    };
                    assertThat(run.modelCalls())
                            .as("%s on %s of %s", contender, run.taskId(), shape)
                            .isEqualTo(expectedCalls);
                    double accuracy = contender == Contender.QUARRY_GRAPH_STREAMING_SPECULATIVE
                                    || contender == Contender.QUARRY_ALL_MECHANISMS
                            ? Contender.PREDICTOR_ACCURACY
                            : contender.predictorAccuracy();
                    long wrongGuesses = accuracy > 0
                            ? new LookUpPredictor(accuracy)
                                    .predict(task).stream()
                                            .filter(LookUpPredictor::isWrong)
                                            .count()
                            : 0;
                    assertThat(run.toolCalls())
                            .isEqualTo(task.calls().size()
                                    + wrongGuesses
                                    + (contender == Contender.QUARRY_GRAPH_STREAMING_PREFETCH ? 1 : 0));
                    // work is cut at the answer, so no timing on a busy machine can put the path above the wall
                    assertThat(run.criticalPathSeconds()).isPositive().isLessThanOrEqualTo(run.wallSeconds());
                }
                points.add(PointSummary.of(runs));
            }
        }
        ScenarioReport report = new ScenarioReport(points, 1.0, Contender.QUARRY_GRAPH_STREAMING, shape + ", baseline");
        assertThat(report.headline())
                .contains("(c) Quarry default (ToolUsePlanner) [default configuration]")
                .contains("(e) Quarry GraphPlanner + streaming [headline]")
                .contains("faster than (a)")
                .contains("faster than (a2)")
                .contains("faster than (b)")
                .doesNotContain("(d) Quarry GraphPlanner:")
                .doesNotContain("(f)");
        assertThat(report.tables()).contains("| (a) ReAct, one call per turn (AiServices) | 1x |");
        assertThat(report.againstConcurrentBaseline())
                .contains("| 40 | (c) Quarry default (ToolUsePlanner) |")
                .contains("| 40 | (g) Quarry GraphPlanner + streaming, plans on a fast model |")
                .doesNotContain("(b) AiServices");
        List<Path> charts = report.writeCharts(out, "scenario-" + shape);
        assertThat(charts).containsExactly(out.resolve("scenario-" + shape + "-wall-r40.png"));
        byte[] png = Files.readAllBytes(charts.getFirst());
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void underALongSharedSystemPromptTheCachingContendersReadItFromThePromptCache() throws Exception {
        Scenario scenario = Shapes.named("reading-long-prompt", TASKS);
        assertThat(scenario.systemPrompt().length() / 4)
                .isBetween(Shapes.LONG_PROMPT_TOKENS, Shapes.LONG_PROMPT_TOKENS + 50);
        var settings = new ScenarioRunner.ScenarioSettings(ScenarioBenchmark.BASELINE, 0.01, 1, 7);
        try (ScenarioRunner runner = new ScenarioRunner(scenario, settings)) {
            for (Contender contender : List.of(
                    Contender.AISERVICES_CONCURRENT,
                    Contender.AISERVICES_CONCURRENT_CACHED,
                    Contender.QUARRY_GRAPH_STREAMING,
                    Contender.QUARRY_GRAPH_STREAMING_CACHED)) {
                List<TaskRun> runs = runner.run(contender, 1.0, 0);
                assertThat(runs).extracting(TaskRun::problem).containsOnlyNulls();
                boolean caching = contender == Contender.AISERVICES_CONCURRENT_CACHED
                        || contender == Contender.QUARRY_GRAPH_STREAMING_CACHED;
                // One task at a time and the cache empty for each contender: the first task's first call
                // writes the prompt and its later calls read it; every later task reads it on every call.
                for (TaskRun run : runs) {
                    long readingCalls = run == runs.getFirst() ? run.modelCalls() - 1 : run.modelCalls();
                    long least = caching ? readingCalls * Shapes.LONG_PROMPT_TOKENS : 0;
                    assertThat(run.cacheReadTokens())
                            .as("%s on %s", contender, run.taskId())
                            .isGreaterThanOrEqualTo(least)
                            .isLessThanOrEqualTo(caching ? run.inputTokens() : 0);
                }
            }
        }
    }

    @Test
    void theShapesHaveTheDeclaredStructure() {
        Scenario chain = Shapes.named("chain", TASKS);
        assertThat(chain.tasks()).allSatisfy(task -> {
            assertThat(task.levels()).isEqualTo(task.calls().size()).isBetween(2, 3);
            assertThat(task.ending().kind()).isEqualTo(Scenario.EndingKind.TEMPLATE);
        });
        Scenario fanout = Shapes.named("fanout", TASKS);
        assertThat(fanout.tasks()).allSatisfy(task -> {
            assertThat(task.calls().size()).isBetween(8, 12);
            assertThat(task.levels()).isEqualTo(1);
            assertThat(task.ending().reads()).hasSize(task.calls().size());
        });
        Scenario published = Shapes.named("parallelqa", TASKS);
        assertThat(published.tasks().get(2).calls()).hasSize(6);
        assertThat(published.tasks().get(2).levels()).isEqualTo(2);
        assertThatThrownBy(() -> Shapes.named("tree", TASKS)).hasMessageContaining("unknown shape tree");
    }

    @Test
    void aScenarioFileRoundTripsAndTheExampleInTheDocsRuns(@TempDir Path folder) throws Exception {
        Scenario scenario = Shapes.named("parallelqa-reading", TASKS);
        Path file = folder.resolve("reading.json");
        scenario.write(file);
        assertThat(Files.readString(file)).contains("\"kind\" : \"reading\"").contains("\"median_millis\" : 300.0");
        assertThat(Scenario.read(file)).isEqualTo(scenario);

        Scenario example = Scenario.read(Path.of("..", "docs", "benchmarks", "scenario-example.json"));
        var settings = new ScenarioRunner.ScenarioSettings(ScenarioBenchmark.BASELINE, 0.01, 2, 7);
        try (ScenarioRunner runner = new ScenarioRunner(example, settings)) {
            assertThat(runner.run(Contender.QUARRY_GRAPH_STREAMING, 1.0, 0))
                    .extracting(TaskRun::problem)
                    .containsOnlyNulls();
        }
    }

    @Test
    void withLocalSearchTheLookUpsAreQuarrysRealSearchToolAndEveryContenderReadsItsResults() throws Exception {
        List<dev.quarry.index.Document> documents = List.of(
                new dev.quarry.index.Document(
                        "wings", "Swept wings delay the onset of shock waves.", "Wings", "", java.util.Map.of()),
                new dev.quarry.index.Document(
                        "boundary",
                        "The boundary layer on a flat plate thickens downstream; transition to turbulence follows.",
                        "Boundary layers",
                        "",
                        java.util.Map.of()),
                new dev.quarry.index.Document(
                        "heat", "Heat transfer at hypersonic speeds.", "Heating", "", java.util.Map.of()));
        Scenario scenario = Shapes.cranfieldSearch(List.of(java.util.stream.IntStream.range(
                        0, Shapes.CRANFIELD_TASKS * Shapes.CRANFIELD_LOOK_UPS)
                .mapToObj(i -> List.of("swept wings", "boundary layer transition", "hypersonic heating")
                                .get(i % 3) + " " + i)
                .toArray(String[]::new)));
        Scenario two = scenario.withTasks(scenario.tasks().subList(0, 2));
        var settings = new ScenarioRunner.ScenarioSettings(ScenarioBenchmark.BASELINE, 0.01, 2, 7);
        try (LocalSearch search = new LocalSearch(documents);
                ScenarioRunner runner = new ScenarioRunner(two, settings, search)) {
            assertThat(search.apply("boundary layer")).startsWith("[boundary#0").contains("transition to turbulence");
            for (Contender contender : List.of(Contender.AISERVICES_CONCURRENT, Contender.QUARRY_GRAPH_STREAMING)) {
                List<TaskRun> runs = runner.run(contender, 1.0, 0);
                assertThat(runs).extracting(TaskRun::problem).containsOnlyNulls();
                assertThat(runs).extracting(TaskRun::toolCalls).containsOnly(Shapes.CRANFIELD_LOOK_UPS);
            }
            ScenarioOracle oracle = new ScenarioOracle(new ScenarioWorld(two, 7, search), two.tasks(), 0);
            assertThat(oracle.expected(two.tasks().getFirst()).answer()).endsWith(" characters)");
        }
        assertThatThrownBy(() -> ScenarioBenchmark.parse(new String[] {"--shape", "cranfield-search"}))
                .hasMessageContaining("add --scale 1");
    }

    @Test
    void aMalformedScenarioIsRefusedWithWhatIsWrong(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("bad.json");
        Files.writeString(file, """
                {"name": "bad", "description": "", "tools": {"search": {"median_millis": 100, "sigma": 0,
                 "min_millis": 100, "max_millis": 100}},
                 "tasks": [{"id": "1", "question": "q?", "calls": [{"id": "a", "tool": "search",
                 "argument": "after $b"}], "ending": {"kind": "template", "answer": "$a"}}]}
                """);
        assertThatThrownBy(() -> Scenario.read(file))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("call a uses $b, which is not an earlier call");
        assertThatThrownBy(() -> new Scenario.Call("x", "fetch", "y")).hasMessageContaining("tool must be search");
        assertThatThrownBy(() -> Scenario.Ending.reading(List.of())).hasMessageContaining("needs the calls it reads");
    }

    @Test
    void theSameCallCostsTheSameTokensInEveryProtocol() {
        // contract: output = calls x R + every call once + the answer, whichever way the calls were batched
        Scenario scenario = Shapes.named("parallelqa", TASKS);
        ScenarioOracle oracle = new ScenarioOracle(new ScenarioWorld(scenario, 7), scenario.tasks(), 0);
        Scenario.Task task = scenario.tasks().get(1);
        assertThat(oracle.visibleTokens(task))
                .isGreaterThan(ScenarioOracle.tokens(oracle.expected(task).answer()));
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
        assertThatThrownBy(() -> ScenarioBenchmark.parse(new String[] {"--shape", "tree"}))
                .hasMessageContaining("unknown shape tree");
        assertThat(ScenarioBenchmark.parse(new String[] {"--help"})).isNull();
    }

    /** Levels of the task's calls still to be made when the {@code shown} calls' results are already known. */
    static int levelsLeft(Scenario.Task task, java.util.Set<String> shown) {
        java.util.Map<String, Integer> level = new java.util.HashMap<>();
        int deepest = 0;
        for (Scenario.Call call : task.calls()) {
            int own = 0;
            if (!shown.contains(call.id())) {
                own = 1
                        + call.references().stream()
                                .mapToInt(r -> level.getOrDefault(r, 0))
                                .max()
                                .orElse(0);
            }
            level.put(call.id(), own);
            deepest = Math.max(deepest, own);
        }
        return deepest;
    }
}
