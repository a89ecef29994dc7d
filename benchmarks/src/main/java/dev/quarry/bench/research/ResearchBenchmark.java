package dev.quarry.bench.research;

import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.plan.GraphPlanner;
import dev.quarry.bench.scenario.ModelProfile;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.CapturedRequest;
import dev.quarry.testkit.ConverseBodies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code ./bench research}: the model-bound "research" shape. A coordinator hands each of k = 3 to 6 parts of
 * a question to a sub-agent (one or two chained look-ups, then a model turn that reads them) and writes a
 * synthesis from their answers. Every contender runs the same tasks on the same simulated Bedrock through
 * the real AWS SDK; see {@link ResearchContender} for what each one is.
 *
 * <p>Per task it records wall time, time to the first answer token (streaming contenders only; otherwise the
 * wall time), model calls, tokens, and the critical path the contender's protocol allows: the coordinator's
 * calls one after another plus its sub-agents' paths (each: its model calls and look-ups one after another),
 * the slowest of them when the parts are handed out together, their sum when one per turn. Efficiency is
 * that path over the wall time (a graph plan streamed into running sub-agents can beat it: then above 1).
 */
public final class ResearchBenchmark {

    private ResearchBenchmark() {}

    /** Options of one run. */
    record Options(
            ModelProfile profile, double speed, double scale, int tasks, int repeat, long seed, Duration lookup) {}

    /** One task run's figures, in unscaled seconds. */
    record TaskRun(
            int parts, double wall, double firstToken, int modelCalls, long tokens, double path, boolean correct) {}

    public static void main(String[] args) {
        Options options = parse(args);
        if (options == null) {
            System.out.println("""
                    usage: ./bench research [--profile baseline|sonnet-4.5|...] [--speed X] [--scale X] \
                    [--tasks N] [--repeat R] [--seed S] [--lookup-ms MS]""");
            return;
        }
        Map<ResearchContender, List<TaskRun>> runs = run(options, List.of(ResearchContender.values()));
        System.out.print(report(options, runs));
    }

    /** Runs every contender over the generated tasks, {@code repeat} times, after one warm-up task each. */
    static Map<ResearchContender, List<TaskRun>> run(Options options, List<ResearchContender> contenders) {
        AtomicReference<ResearchWorld.Protocol> protocol = new AtomicReference<>(ResearchWorld.Protocol.PARALLEL);
        List<ResearchTask> tasks = ResearchTask.generate(options.tasks(), options.seed());
        Duration lookup = Duration.ofNanos((long) (options.lookup().toNanos() * options.scale()));
        Map<ResearchContender, List<TaskRun>> runs = new EnumMap<>(ResearchContender.class);
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                        .script(body -> ResearchWorld.reply(body, ConverseBodies.toolNames(body), protocol.get()))
                        .latency(options.profile().latency().faster(options.speed() / options.scale()))
                        .serverThreads(64)
                        .start();
                ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                        .region("us-east-1")
                        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                        .endpointOverride(simulator.endpoint())
                        .timeout(Duration.ofMinutes(2))
                        .build()) {
            ResearchContender.Models models =
                    new ResearchContender.Models(claude.chatModel(), claude.streamingChatModel());
            ResearchContender.Lookups lookups = new ResearchContender.Lookups(lookup);
            for (ResearchContender contender : contenders) {
                protocol.set(contender.protocol());
                contender.run(models, lookups, tasks.getFirst().question()); // warm-up
                simulator.takeRequests();
                List<TaskRun> measured = new ArrayList<>();
                for (int r = 0; r < options.repeat(); r++) {
                    for (ResearchTask task : tasks) {
                        long start = System.nanoTime();
                        ResearchContender.Outcome outcome = contender.run(models, lookups, task.question());
                        long wall = System.nanoTime() - start;
                        List<CapturedRequest> requests = simulator.takeRequests();
                        double first = outcome.firstAnswerToken() == null
                                ? wall
                                : outcome.firstAnswerToken().toNanos();
                        measured.add(new TaskRun(
                                task.parts().size(),
                                wall / 1e9 / options.scale(),
                                first / 1e9 / options.scale(),
                                requests.size(),
                                requests.stream()
                                        .mapToLong(q -> q.inputTokens() + q.outputTokens())
                                        .sum(),
                                path(requests, task, contender.protocol(), lookup) / 1e9 / options.scale(),
                                task.answeredBy(outcome.answer())));
                    }
                }
                runs.put(contender, measured);
            }
        }
        return runs;
    }

    /** The critical path the protocol allows, in scaled nanoseconds (see the class comment). */
    static double path(
            List<CapturedRequest> requests, ResearchTask task, ResearchWorld.Protocol protocol, Duration lookup) {
        double coordinator = 0;
        Map<String, Double> parts = new LinkedHashMap<>();
        for (CapturedRequest request : requests) {
            double latency = request.latency().toNanos();
            boolean child = request.toolNames().contains("lookup")
                    && !ConverseBodies.systemText(request.body()).contains(GraphPlanner.PLAN_HEADER);
            if (child) {
                parts.merge(ConverseBodies.firstUserText(request.body()), latency, Double::sum);
            } else {
                coordinator += latency;
            }
        }
        List<Double> partPaths = new ArrayList<>();
        for (ResearchTask.Part part : task.parts()) {
            partPaths.add(parts.getOrDefault(part.task(), 0.0) + part.hops() * (double) lookup.toNanos());
        }
        double children = protocol == ResearchWorld.Protocol.PARALLEL
                ? partPaths.stream().mapToDouble(d -> d).max().orElse(0)
                : partPaths.stream().mapToDouble(d -> d).sum();
        return coordinator + children;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A Markdown report: one row per contender, then median wall by k with the headline's lead. */
    static String report(Options options, Map<ResearchContender, List<TaskRun>> runs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "### research, profile %s, %.1fx, %d tasks x %d, look-ups %d ms (unscaled seconds; scale %.2f)%n%n",
                options.profile().optionName(),
                options.speed(),
                options.tasks(),
                options.repeat(),
                options.lookup().toMillis(),
                options.scale()));
        out.append("| contender | wall s | first token s | model calls | tokens | path s | efficiency | correct |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (var entry : runs.entrySet()) {
            List<TaskRun> r = entry.getValue();
            out.append(String.format(
                    Locale.ROOT,
                    "| (%s) %s | %.2f | %.2f | %.1f | %.0f | %.2f | %.3f | %d/%d |%n",
                    entry.getKey().label(),
                    entry.getKey().description(),
                    median(r.stream().map(TaskRun::wall).toList()),
                    median(r.stream().map(TaskRun::firstToken).toList()),
                    r.stream().mapToInt(TaskRun::modelCalls).average().orElse(0),
                    r.stream().mapToLong(TaskRun::tokens).average().orElse(0),
                    median(r.stream().map(TaskRun::path).toList()),
                    median(r.stream().map(t -> t.path() / t.wall()).toList()),
                    r.stream().filter(TaskRun::correct).count(),
                    r.size()));
        }
        out.append("\nMedian wall by number of parts k, and the lead of (c) and (e) (ratio of medians):\n\n");
        out.append(
                "| k | (s) | (b-seq) | (b) | (b-stream) | (c) | (e) | (e) vs (b) | (e) vs (s) | (c) vs (b) | (c) vs (s) |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<Integer, Map<ResearchContender, Double>> byK = new TreeMap<>();
        runs.forEach((contender, r) -> r.stream()
                .map(TaskRun::parts)
                .distinct()
                .forEach(k -> byK.computeIfAbsent(k, x -> new EnumMap<>(ResearchContender.class))
                        .put(
                                contender,
                                median(r.stream()
                                        .filter(t -> t.parts() == k)
                                        .map(TaskRun::wall)
                                        .toList()))));
        byK.forEach((k, walls) -> {
            double s = walls.getOrDefault(ResearchContender.SUPERVISOR_SEQUENTIAL, Double.NaN);
            double b = walls.getOrDefault(ResearchContender.AISERVICES_CONCURRENT, Double.NaN);
            double c = walls.getOrDefault(ResearchContender.QUARRY_TOOL_USE, Double.NaN);
            double e = walls.getOrDefault(ResearchContender.QUARRY_GRAPH_STREAMING, Double.NaN);
            out.append(String.format(
                    Locale.ROOT,
                    "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2fx | %.2fx | %.2fx | %.2fx |%n",
                    k,
                    s,
                    walls.getOrDefault(ResearchContender.AISERVICES_SEQUENTIAL, Double.NaN),
                    b,
                    walls.getOrDefault(ResearchContender.AISERVICES_STREAMING, Double.NaN),
                    c,
                    e,
                    b / e,
                    s / e,
                    b / c,
                    s / c));
        });
        return out.toString();
    }

    static Options parse(String[] args) {
        ModelProfile profile = ModelProfile.BASELINE;
        double speed = 1;
        double scale = 0.1;
        int tasks = 12;
        int repeat = 3;
        long seed = 11;
        Duration lookup = Duration.ofMillis(300);
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
                case "--profile" -> profile = ModelProfile.named(value);
                case "--speed" -> speed = Double.parseDouble(value);
                case "--scale" -> scale = Double.parseDouble(value);
                case "--tasks" -> tasks = Integer.parseInt(value);
                case "--repeat" -> repeat = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--lookup-ms" -> lookup = Duration.ofMillis(Long.parseLong(value));
                default -> throw new IllegalArgumentException("unknown option " + flag + "; see --help");
            }
        }
        if (!(scale > 0 && scale <= 1) || !(speed > 0) || tasks < 1 || repeat < 1) {
            throw new IllegalArgumentException(
                    "--scale must be in (0, 1], --speed positive, --tasks and --repeat >= 1");
        }
        return new Options(profile, speed, scale, tasks, repeat, seed, lookup);
    }
}
