package dev.quarry.bench.scenario;

import dev.langchain4j.model.bedrock.BedrockCachePointPlacement;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.CapturedRequest;
import dev.quarry.testkit.LatencyProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Runs contenders over tasks on one simulated Bedrock endpoint, through the real AWS SDK clients of
 * {@link ClaudeOnBedrock}, and measures each task run. It enforces the fairness contract: a run whose tokens,
 * tool calls or answer break it is reported with its problem, never silently counted.
 */
public final class ScenarioRunner implements AutoCloseable {

    private final Scenario scenario;
    private final ScenarioWorld world;
    private final ScenarioSettings settings;
    private final AtomicReference<Function<com.fasterxml.jackson.databind.JsonNode, dev.quarry.testkit.Turn>> script =
            new AtomicReference<>();
    private final BedrockSimulator simulator;
    private final ClientTimedModels clientTimes = new ClientTimedModels();
    private final Contender.Models models;
    private final List<ClaudeOnBedrock> clients = new ArrayList<>();

    /** The Bedrock user guide's minimum cacheable prefix for Claude Haiku 4.5, the fast planner's model. */
    static final int HAIKU_CACHE_MINIMUM_TOKENS = 4_096;

    public ScenarioRunner(Scenario scenario, ScenarioSettings settings) {
        this(scenario, settings, null);
    }

    /**
     * @param localSearch the real search every {@code search} call runs (its time unscaled: run such a
     *     scenario with scale 1), or null for the simulated look-ups
     */
    ScenarioRunner(Scenario scenario, ScenarioSettings settings, java.util.function.UnaryOperator<String> localSearch) {
        this.scenario = scenario;
        this.world = new ScenarioWorld(scenario, settings.seed(), localSearch);
        this.settings = settings;
        this.simulator = BedrockSimulator.builder()
                .script(request -> script.get().apply(request))
                .promptCacheMinimumTokens(Contender.FAST_PLANNER_MODEL_ID, HAIKU_CACHE_MINIMUM_TOKENS)
                .serverThreads(Math.max(64, Math.min(settings.concurrency() * 8, 2400)))
                .start();
        ClaudeOnBedrock claude = client(claude());
        ClaudeOnBedrock cachingSystem = client(claude().promptCaching(BedrockCachePointPlacement.AFTER_SYSTEM));
        ClaudeOnBedrock cachingSharedPrefix = client(claude().cacheSharedPrefix());
        this.models = new Contender.Models(
                clientTimes.timed(claude.chatModel()),
                clientTimes.timed(claude.streamingChatModel()),
                clientTimes.timed(cachingSystem.chatModel()),
                clientTimes.timed(cachingSharedPrefix.chatModel()),
                clientTimes.timed(cachingSharedPrefix.streamingChatModel()));
    }

    private ClaudeOnBedrock client(ClaudeOnBedrock.Builder builder) {
        ClaudeOnBedrock client = builder.build();
        clients.add(client);
        return client;
    }

    private ClaudeOnBedrock.Builder claude() {
        return ClaudeOnBedrock.builder()
                .region("us-east-1")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                .endpointOverride(simulator.endpoint())
                // a connection per task in flight, so a high concurrency measures the contenders, not a pool
                .maxConnections(Math.max(50, settings.concurrency() + 50))
                .timeout(Duration.ofMinutes(2));
    }

    /** Runs every task once with this contender at this point of the sweep. */
    public List<TaskRun> run(Contender contender, double speed, int thinkingTokens) throws InterruptedException {
        return run(contender, speed, thinkingTokens, scenario.tasks());
    }

    /** Runs some of the tasks once (a warm-up, for instance). */
    public List<TaskRun> run(Contender contender, double speed, int thinkingTokens, List<Scenario.Task> tasks)
            throws InterruptedException {
        ScenarioOracle oracle = new ScenarioOracle(world, tasks, thinkingTokens);
        script.set(oracle.script(contender.protocol()));
        simulator.latency(settings.profile(speed));
        simulator.latency(Contender.FAST_PLANNER_MODEL_ID, settings.plannerProfile(speed));
        simulator.takeRequests();
        simulator.clearPromptCache();
        clientTimes.take();
        Map<String, Measured> measured = new HashMap<>();
        try (ExecutorService drivers = Executors.newFixedThreadPool(settings.concurrency())) {
            List<Future<Measured>> futures = new ArrayList<>();
            for (Scenario.Task task : tasks) {
                futures.add(drivers.submit(() -> runOne(contender, task)));
            }
            for (Future<Measured> future : futures) {
                Measured one = future.get();
                measured.put(one.task().question().strip(), one);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a task driver failed", e.getCause());
        }
        Map<Scenario.Task, List<CapturedRequest>> requests = new HashMap<>();
        for (CapturedRequest request : simulator.takeRequests()) {
            requests.computeIfAbsent(oracle.taskOf(request.body()), t -> new ArrayList<>())
                    .add(request);
        }
        Map<Scenario.Task, List<Long>> clientStarts = new HashMap<>();
        for (ClientTimedModels.ClientCall call : clientTimes.take()) {
            clientStarts
                    .computeIfAbsent(oracle.taskOfText(call.firstUserText()), t -> new ArrayList<>())
                    .add(call.startNanos());
        }
        List<TaskRun> runs = new ArrayList<>();
        for (Scenario.Task task : tasks) {
            Measured one = measured.get(task.question().strip());
            runs.add(account(
                    contender,
                    speed,
                    oracle,
                    one,
                    requests.getOrDefault(task, List.of()),
                    clientStarts.getOrDefault(task, List.of())));
        }
        return runs;
    }

    private record Measured(
            Scenario.Task task,
            long startNanos,
            long wallNanos,
            long firstTokenNanos,
            String answer,
            String error,
            ScenarioTools tools) {}

    private Measured runOne(Contender contender, Scenario.Task task) {
        ScenarioTools tools = new ScenarioTools(task, world, settings.scale());
        long start = System.nanoTime();
        try {
            Contender.Answer answer = contender.answer(models, tools, task.question(), scenario.systemPrompt());
            long wall = System.nanoTime() - start;
            long firstToken = answer.firstTokenNanos() < 0 ? wall : answer.firstTokenNanos() - start;
            return new Measured(task, start, wall, firstToken, answer.text(), null, tools);
        } catch (RuntimeException e) {
            long wall = System.nanoTime() - start;
            return new Measured(task, start, wall, wall, null, e.toString(), tools);
        }
    }

    /**
     * One task run's figures. A model call's interval runs from the client's start of the call to the end of
     * the simulated latency; the i-th call the client started is the i-th request the simulator received
     * for the task (a task's model calls never overlap, so their order is the same at both ends).
     *
     * <p>Every interval is cut at the answer: work still running after it (a prefetch or a wrong guess
     * nobody waited for) did not delay it, and a reply whose last bytes the server sent a little before its
     * nominal latency (WireMock spreads a stream over whole-millisecond chunks) ended when the answer shows
     * it did. So the critical path is never longer than the wall time, by construction.
     */
    private TaskRun account(
            Contender contender,
            double speed,
            ScenarioOracle oracle,
            Measured one,
            List<CapturedRequest> requests,
            List<Long> clientStarts) {
        Scenario.Task task = one.task();
        List<CriticalPath.Interval> work = new ArrayList<>();
        long answered = one.startNanos() + one.wallNanos();
        long input = 0;
        long cacheRead = 0;
        long output = 0;
        List<CapturedRequest> received = requests.stream()
                .sorted(java.util.Comparator.comparingLong(CapturedRequest::receivedNanos))
                .toList();
        List<Long> started = clientStarts.stream().sorted().toList();
        for (int i = 0; i < received.size(); i++) {
            CapturedRequest request = received.get(i);
            input += request.inputTokens();
            cacheRead += request.cacheReadTokens();
            output += request.outputTokens();
            long start =
                    i < started.size() ? Math.min(started.get(i), request.receivedNanos()) : request.receivedNanos();
            work.add(cut(start, request.receivedNanos() + request.latency().toNanos(), request.streaming(), answered));
        }
        List<ScenarioTools.ToolSpan> spans = one.tools().spans();
        spans.forEach(span -> work.add(cut(span.startNanos(), span.endNanos(), false, answered)));
        String problem = started.size() == received.size()
                ? problem(contender, oracle, one, requests, spans, output)
                : "the client started " + started.size() + " model calls but the simulator received " + received.size();
        double scale = settings.scale();
        return new TaskRun(
                contender,
                speed,
                oracle.thinkingTokens(),
                task.id(),
                task.calls().size(),
                one.wallNanos() / 1e9 / scale,
                one.firstTokenNanos() / 1e9 / scale,
                CriticalPath.of(work) / 1e9 / scale,
                requests.size(),
                input,
                cacheRead,
                output,
                spans.size(),
                problem);
    }

    private static CriticalPath.Interval cut(long start, long end, boolean divisible, long answered) {
        long until = Math.min(end, answered);
        return new CriticalPath.Interval(Math.min(start, until), until, divisible);
    }

    /** The fairness contract and correctness, checked on what was actually sent and run. */
    private static String problem(
            Contender contender,
            ScenarioOracle oracle,
            Measured one,
            List<CapturedRequest> requests,
            List<ScenarioTools.ToolSpan> spans,
            long outputTokens) {
        Scenario.Task task = one.task();
        if (one.error() != null) {
            return "failed: " + one.error();
        }
        ScenarioWorld.Resolved expected = oracle.expected(task);
        if (!expected.answer().equals(one.answer().strip())) {
            return "wrong answer: " + one.answer();
        }
        Map<String, Integer> made = new HashMap<>();
        for (ScenarioTools.ToolSpan span : spans) {
            if (!contender.unasked(task, span.argument())) {
                made.merge(span.tool() + " " + span.argument(), 1, Integer::sum);
            }
        }
        Map<String, Integer> wanted = new HashMap<>();
        for (Scenario.Call call : task.calls()) {
            wanted.merge(call.tool() + " " + expected.arguments().get(call.id()), 1, Integer::sum);
        }
        if (!made.equals(wanted)) {
            return "tool calls are not the task's calls, each once: made " + made + ", wanted " + wanted;
        }
        long expectedOutput = (long) requests.size() * oracle.thinkingTokens()
                + oracle.visibleTokens(task, contender.shownPredictions(task));
        if (outputTokens != expectedOutput) {
            return "output tokens " + outputTokens + " differ from the contract's " + expectedOutput;
        }
        return null;
    }

    @Override
    public void close() {
        // each streaming client's event loop takes its quiet period (about 2 s) to shut down: close them at once
        try (ExecutorService closing = Executors.newVirtualThreadPerTaskExecutor()) {
            clients.forEach(client -> closing.execute(client::close));
        }
        simulator.close();
    }

    /**
     * Settings shared by every point.
     *
     * @param baseline the main model's latency at speed 1
     * @param planner the latency of the fast planning model of contender (g) at speed 1
     * @param scale the common factor on every simulated latency
     * @param concurrency tasks in flight at once
     * @param seed the tool latency and value seed
     */
    public record ScenarioSettings(
            LatencyProfile baseline, LatencyProfile planner, double scale, int concurrency, long seed) {

        /** With {@link ModelProfile#HAIKU_4_5} as the fast planning model. */
        public ScenarioSettings(LatencyProfile baseline, double scale, int concurrency, long seed) {
            this(baseline, ModelProfile.HAIKU_4_5.latency(), scale, concurrency, seed);
        }

        /** The main model at {@code speed}, with every latency multiplied by the common scale. */
        public LatencyProfile profile(double speed) {
            return baseline.faster(speed / scale);
        }

        /** The planning model at {@code speed} (it speeds up with the main one), scaled likewise. */
        public LatencyProfile plannerProfile(double speed) {
            return planner.faster(speed / scale);
        }
    }
}
