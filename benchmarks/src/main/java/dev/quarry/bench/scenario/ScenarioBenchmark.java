package dev.quarry.bench.scenario;

import dev.quarry.testkit.LatencyProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The scenario benchmark: every contender answers the tasks of one {@link Scenario} (a built-in shape made
 * from ParallelQA, {@link Shapes}, or a scenario file) on the same simulated Bedrock, with the same tools,
 * at every model speed and reasoning length of the sweep; writes the tables and charts.
 *
 * <p>Run it with {@code ./bench scenario} (options: {@code --help}).
 */
public final class ScenarioBenchmark {

    /**
     * The baseline model, before the common time scale: 600 ms to the first token plus 0.1 ms per input
     * token, then 60 output tokens a second ({@link ModelProfile#BASELINE}; {@code --profile} chooses
     * another).
     */
    public static final LatencyProfile BASELINE = ModelProfile.BASELINE.latency();

    /** The contender the headline reports, fixed before any run: (e), GraphPlanner with streaming. */
    public static final Contender HEADLINE = Contender.QUARRY_GRAPH_STREAMING;

    private ScenarioBenchmark() {}

    /** Options with their defaults; see {@link #USAGE}. */
    record Options(
            Path data,
            Path cranfield,
            String shape,
            Path scenario,
            Path writeScenario,
            int tasks,
            List<Double> speeds,
            List<Integer> thinking,
            double scale,
            int concurrency,
            long seed,
            List<Contender> contenders,
            ModelProfile profile,
            ModelProfile plannerProfile,
            long prefillNanosPerToken,
            Contender headline,
            Path out) {}

    static final String USAGE = """
            usage: bench scenario [options]
              --shape NAME         parallelqa, parallelqa-reading, chain, fanout: task shapes built from the
                                   ParallelQA questions (default parallelqa; docs/benchmarks.md);
                                   cranfield-search: Quarry's real search tool over Cranfield (needs --scale 1)
              --cranfield DIR      the Cranfield folder for cranfield-search (default ../shared/data/cranfield)
              --scenario FILE      a scenario file instead of a built-in shape (format: docs/benchmarks.md)
              --write-scenario FILE  write the chosen scenario as a file and stop
              --data FILE          ParallelQA json (default ../shared/data/parallelqa/parallelqa_dataset.json)
              --tasks N            first N tasks only (default all 113)
              --speeds LIST        model speeds, x baseline (default 0.5,1,2,4)
              --thinking LIST      R, reasoning tokens per turn (default 0,40,120)
              --scale X            common factor on every simulated latency (default 0.1)
              --concurrency N      tasks in flight at once (default 10)
              --seed N             tool latency and value seed (default 7)
              --contenders LIST    letters a, a2, b, b2, b-stream, c, c2, d..j, k, k70, k40 (default all)
              --profile NAME       model latency: baseline, sonnet-4.5, sonnet-4.6, haiku-4.5 (default baseline;
                                   sources in docs/benchmarks.md)
              --planner-profile NAME  the fast planning model of (g) (default haiku-4.5)
              --prefill MICROS     prompt processing per input token, in microseconds (default 100); a token
                                   read from the prompt cache takes none
              --headline LETTER    the Quarry contender the headline reports, fixed before the run (default e)
              --out DIR            where the report and charts go (default docs/benchmarks)
            """;

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(USAGE);
            return;
        }
        Scenario scenario = scenario(options);
        if (options.writeScenario() != null) {
            scenario.write(options.writeScenario());
            System.out.println("wrote " + options.writeScenario());
            return;
        }
        List<Scenario.Task> tasks = scenario.tasks();
        long started = System.nanoTime();
        List<PointSummary> points = run(scenario, options);
        String workload = scenario.name();
        ScenarioReport report = new ScenarioReport(
                points,
                1.0,
                options.headline(),
                workload + ", " + options.profile().optionName());
        String stem =
                workload.equals("parallelqa") ? "scenario" : "scenario-" + workload.replaceAll("[^A-Za-z0-9_-]", "-");
        List<Path> charts = report.writeCharts(options.out(), stem);
        String markdown = "## Scenario results: " + workload + "\n\nGenerated by `bench scenario` on " + tasks.size()
                + " tasks of " + workload + " (" + scenario.description() + "), model profile "
                + options.profile().optionName() + " ("
                + options.profile().source() + "; contender (g) plans on "
                + options.plannerProfile().optionName()
                + " (" + options.plannerProfile().source() + ")"
                + "), scale " + options.scale() + ", concurrency " + options.concurrency() + ", seed "
                + options.seed() + "; all times are unscaled seconds. Warm-up, not measured: two rounds of every"
                + " contender over all tasks at the fastest speed and the first R.\n\n### Headline (speed 1x)\n\n"
                + report.headline()
                + "\n### Every Quarry contender against (b), speed 1x\n\n" + report.againstConcurrentBaseline()
                + "\n### Every point\n" + report.tables();
        Path results = options.out().resolve(stem + "-results.md");
        Files.writeString(results, markdown);
        System.out.println(markdown);
        System.out.printf(
                Locale.ROOT, "wrote %s and %s in %.0f s%n", results, charts, (System.nanoTime() - started) / 1e9);
        long problems = points.stream().mapToLong(PointSummary::problems).sum();
        if (problems > 0) {
            System.err.println(problems + " task runs broke the fairness contract or answered wrong; see the tables");
            System.exit(1);
        }
    }

    /** Runs the sweep and summarises every contender at every point. */
    /** Whether the run's look-ups are Quarry's real search over Cranfield. */
    static boolean localSearch(Options options) {
        return options.scenario() == null && options.shape().equals(Shapes.CRANFIELD_SEARCH);
    }

    static List<PointSummary> run(Scenario scenario, Options options) throws InterruptedException {
        var settings = new ScenarioRunner.ScenarioSettings(
                options.profile().latency(options.prefillNanosPerToken()),
                options.plannerProfile().latency(options.prefillNanosPerToken()),
                options.scale(),
                options.concurrency(),
                options.seed());
        List<PointSummary> points = new ArrayList<>();
        LocalSearch search = null;
        if (localSearch(options)) {
            long start = System.nanoTime();
            search = new LocalSearch(LocalSearch.cranfield(options.cranfield()).documents());
            System.err.printf(
                    Locale.ROOT,
                    "indexed Cranfield for the real search tool in %.0f s%n",
                    (System.nanoTime() - start) / 1e9);
        }
        try (LocalSearch closing = search;
                ScenarioRunner runner = new ScenarioRunner(scenario, settings, search)) {
            // Warm-up, not measured: class loading, JIT, the SDK's connection pools and event loops.
            for (int round = 0; round < 2; round++) {
                for (Contender contender : options.contenders()) {
                    runner.run(
                            contender,
                            options.speeds().getLast(),
                            options.thinking().getFirst());
                }
            }
            for (int thinking : options.thinking()) {
                for (double speed : options.speeds()) {
                    for (Contender contender : options.contenders()) {
                        long start = System.nanoTime();
                        List<TaskRun> runs = runner.run(contender, speed, thinking);
                        PointSummary summary = PointSummary.of(runs);
                        points.add(summary);
                        System.err.printf(
                                Locale.ROOT,
                                "R=%-3d speed=%-4s (%s) median %.2f s, p90 %.2f s, first token %.2f s, %.1f calls,"
                                        + " wall/cp %.3f, %d problems [%.1f s]%n",
                                thinking,
                                speed,
                                contender.letter(),
                                summary.medianWall(),
                                summary.p90Wall(),
                                summary.medianFirstToken(),
                                summary.modelCalls(),
                                summary.wallOverCriticalPath(),
                                summary.problems(),
                                (System.nanoTime() - start) / 1e9);
                        runs.stream()
                                .filter(r -> r.problem() != null)
                                .limit(3)
                                .forEach(r -> System.err.println("  task " + r.taskId() + ": " + r.problem()));
                    }
                }
            }
        }
        return points;
    }

    /** Parses the command line; null when help was asked for. */
    static Options parse(String[] args) {
        Path data = ParallelQa.DEFAULT_PATH;
        Path cranfield = Path.of("..", "shared", "data", "cranfield");
        String shape = "parallelqa";
        Path scenarioFile = null;
        Path writeScenario = null;
        int tasks = Integer.MAX_VALUE;
        List<Double> speeds = List.of(0.5, 1.0, 2.0, 4.0);
        List<Integer> thinking = List.of(0, 40, 120);
        double scale = 0.1;
        int concurrency = 10;
        long seed = 7;
        List<Contender> contenders = List.of(Contender.values());
        Path out = Path.of("docs", "benchmarks");
        ModelProfile profile = ModelProfile.BASELINE;
        ModelProfile plannerProfile = ModelProfile.HAIKU_4_5;
        long prefillNanos = ModelProfile.PREFILL_NANOS;
        Contender headline = HEADLINE;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--data" -> data = Path.of(value);
                case "--shape" -> shape = value;
                case "--cranfield" -> cranfield = Path.of(value);
                case "--scenario" -> scenarioFile = Path.of(value);
                case "--write-scenario" -> writeScenario = Path.of(value);
                case "--tasks" -> tasks = positive(flag, Integer.parseInt(value));
                case "--speeds" ->
                    speeds =
                            Arrays.stream(value.split(",")).map(Double::valueOf).toList();
                case "--thinking" ->
                    thinking = Arrays.stream(value.split(","))
                            .map(Integer::valueOf)
                            .toList();
                case "--scale" -> scale = Double.parseDouble(value);
                case "--concurrency" -> concurrency = positive(flag, Integer.parseInt(value));
                case "--seed" -> seed = Long.parseLong(value);
                case "--contenders" ->
                    contenders = Arrays.stream(value.split(","))
                            .map(ScenarioBenchmark::contender)
                            .toList();
                case "--out" -> out = Path.of(value);
                case "--profile" -> profile = ModelProfile.named(value);
                case "--planner-profile" -> plannerProfile = ModelProfile.named(value);
                case "--prefill" -> {
                    prefillNanos = Math.round(Double.parseDouble(value) * 1_000);
                    if (prefillNanos < 0) {
                        throw new IllegalArgumentException("--prefill must not be negative");
                    }
                }
                case "--headline" -> headline = contender(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("--scale must be in (0, 1]");
        }
        if (speeds.stream().anyMatch(s -> !(s > 0)) || thinking.stream().anyMatch(r -> r < 0)) {
            throw new IllegalArgumentException("speeds must be positive and thinking tokens not negative");
        }
        if (!headline.isQuarry()) {
            throw new IllegalArgumentException("--headline must be one of Quarry's contenders (c to j)");
        }
        if (!Shapes.NAMES.contains(shape)) {
            throw new IllegalArgumentException("unknown shape " + shape + "; use one of " + Shapes.NAMES);
        }
        if (shape.equals(Shapes.CRANFIELD_SEARCH) && scenarioFile == null && scale != 1) {
            throw new IllegalArgumentException(
                    Shapes.CRANFIELD_SEARCH + " runs real searches, whose time cannot be" + " scaled: add --scale 1");
        }
        return new Options(
                data,
                cranfield,
                shape,
                scenarioFile,
                writeScenario,
                tasks,
                speeds,
                thinking,
                scale,
                concurrency,
                seed,
                contenders,
                profile,
                plannerProfile,
                prefillNanos,
                headline,
                out);
    }

    /** The scenario the options name: a file, or a built-in shape over the ParallelQA questions; the first N tasks. */
    static Scenario scenario(Options options) throws java.io.IOException {
        Scenario scenario;
        if (options.scenario() != null) {
            scenario = Scenario.read(options.scenario());
        } else if (localSearch(options)) {
            scenario = Shapes.cranfieldSearch(List.copyOf(
                    LocalSearch.cranfield(options.cranfield()).queries().values()));
        } else {
            scenario = Shapes.named(options.shape(), ParallelQa.load(options.data()));
        }
        List<Scenario.Task> tasks = scenario.tasks();
        return scenario.withTasks(tasks.subList(0, Math.min(options.tasks(), tasks.size())));
    }

    private static int positive(String flag, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1");
        }
        return value;
    }

    private static Contender contender(String letter) {
        return Arrays.stream(Contender.values())
                .filter(c -> c.letter().equals(letter.strip()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown contender " + letter + "; use "
                        + Arrays.stream(Contender.values())
                                .map(Contender::letter)
                                .toList()));
    }
}
