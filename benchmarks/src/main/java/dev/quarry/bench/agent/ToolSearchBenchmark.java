package dev.quarry.bench.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.model.Usage;
import dev.quarry.bench.Percentiles;
import dev.quarry.bench.scenario.ModelProfile;
import dev.quarry.testkit.ConverseBodies;
import dev.quarry.testkit.LatencyProfile;
import dev.quarry.testkit.Turn;
import dev.quarry.tools.ToolSearch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./bench tool-search}: a task that needs one tool out of a large catalog ({@link ToolCatalog}, 300
 * tools by default), on the simulated Bedrock through the real AWS SDK with a streaming model, whose time to
 * first token grows with the prompt (the profile's prefill time per input token). Two contenders: every
 * tool definition sent on every call; and {@link ToolSearch} (threshold 30, no always-on tools), where the
 * model first calls {@code search_tools}, then the tool it found, then answers: one model call more, on far
 * smaller prompts. Reported: input tokens per call, model calls, the first model call's duration (its
 * time to first token plus a tool call's few output tokens), wall time and time to the answer's first token.
 */
public final class ToolSearchBenchmark {

    private ToolSearchBenchmark() {}

    /** Options of one run. */
    record Options(ModelProfile profile, int tools, int repeat) {}

    /** One contender's runs. */
    record Figures(List<AgentResult> runs) {}

    public static void main(String[] args) {
        Options options = new Options(ModelProfile.BASELINE, 300, 10);
        for (int i = 0; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--profile" ->
                    options = new Options(ModelProfile.named(args[i + 1]), options.tools(), options.repeat());
                case "--tools" ->
                    options = new Options(options.profile(), Integer.parseInt(args[i + 1]), options.repeat());
                case "--repeat" ->
                    options = new Options(options.profile(), options.tools(), Integer.parseInt(args[i + 1]));
                default ->
                    throw new IllegalArgumentException(
                            "usage: ./bench tool-search [--profile P] [--tools N] [--repeat N]; unknown option "
                                    + args[i]);
            }
        }
        System.out.print(report(options, run(options)));
    }

    /** The simulated model: search when it cannot see the forecast tool, call it when it can, then answer. */
    static Turn reply(JsonNode body) {
        String after = SimulatedClaude.lastToolResultOf(body);
        if (after.equals(ToolCatalog.TARGET)) {
            return Turn.text("In Lyon it is 14C with light rain.");
        }
        if (ConverseBodies.toolNames(body).contains(ToolCatalog.TARGET)) {
            return Turn.toolUse("", new Turn.ToolUse("f1", ToolCatalog.TARGET, "{\"city\":\"Lyon\",\"days\":\"1\"}"));
        }
        return Turn.toolUse(
                "", new Turn.ToolUse("s1", ToolSearch.TOOL_NAME, "{\"query\":\"weather forecast for a city\"}"));
    }

    static Map<String, Figures> run(Options options) {
        return run(options, options.profile().latency());
    }

    /** The runs on a simulator with {@code latency} (tests use an instant one). */
    static Map<String, Figures> run(Options options, LatencyProfile latency) {
        Map<String, Figures> figures = new LinkedHashMap<>();
        try (SimulatedClaude sim = new SimulatedClaude(latency, ToolSearchBenchmark::reply)) {
            Agent all = Agent.builder()
                    .streamingModel(sim.claude.streamingChatModel())
                    .tools(ToolCatalog.of(options.tools(), 7))
                    .build();
            Agent searching = Agent.builder()
                    .streamingModel(sim.claude.streamingChatModel())
                    .tools(ToolCatalog.of(options.tools(), 7))
                    .plugin(ToolSearch.builder().threshold(30).build())
                    .build();
            figures.put("every tool on every call (" + options.tools() + " tools)", runs(all, options.repeat()));
            figures.put("ToolSearch (search_tools, threshold 30, 5 results)", runs(searching, options.repeat()));
        }
        return figures;
    }

    private static Figures runs(Agent agent, int repeat) {
        agent.stream("What is the weather in Lyon tomorrow?", event -> {}); // warm-up
        List<AgentResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            results.add(agent.stream("What is the weather in Lyon tomorrow?", event -> {}));
        }
        return new Figures(results);
    }

    static String report(Options options, Map<String, Figures> figures) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "Tool search: %d tools, profile %s (%d ms to first token + %d us a prompt token), %d runs each%n%n",
                options.tools(),
                options.profile().optionName(),
                options.profile().latency().firstTokenFixed().toMillis(),
                options.profile().latency().firstTokenPerInputToken().toNanos() / 1000,
                options.repeat()));
        out.append("| contender | model calls | input tokens per call | input tokens per task | first model call p50"
                + " ms | answer's first token p50 ms | wall p50 ms | answered |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        figures.forEach((label, f) -> {
            List<AgentResult> runs = f.runs();
            Usage first = runs.getFirst().usage();
            double[] firstCall = runs.stream()
                    .mapToDouble(r -> r.trace().spans().stream()
                            .filter(s -> s.id().equals("model-1"))
                            .findFirst()
                            .map(s -> s.durationNanos() / 1e6)
                            .orElse(0.0))
                    .toArray();
            double[] answer = runs.stream()
                    .mapToDouble(r -> r.trace().firstAnswerToken().orElseThrow().toNanos() / 1e6)
                    .toArray();
            double[] wall = runs.stream()
                    .mapToDouble(r -> r.trace().wallTime().toNanos() / 1e6)
                    .toArray();
            long answered =
                    runs.stream().filter(r -> r.answer().contains("14C")).count();
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %d | %.0f | %.0f | %.0f | %d/%d |%n",
                    label,
                    first.modelCalls(),
                    first.inputTokens() / first.modelCalls(),
                    first.inputTokens(),
                    Percentiles.nearestRank(firstCall, 0.5),
                    Percentiles.nearestRank(answer, 0.5),
                    Percentiles.nearestRank(wall, 0.5),
                    answered,
                    runs.size()));
        });
        return out.toString();
    }
}
