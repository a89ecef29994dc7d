package dev.quarry.bench.agent;

import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.error.GuardrailException;
import dev.quarry.agent.guard.Guardrail;
import dev.quarry.agent.guard.Stage;
import dev.quarry.agent.guard.Verdict;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.bench.Percentiles;
import dev.quarry.bench.scenario.ModelProfile;
import dev.quarry.testkit.LatencyProfile;
import dev.quarry.testkit.Turn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./bench guardrails}: what an input guardrail costs in latency. A one-turn task (the model answers
 * with about 60 tokens) runs on the simulated Bedrock through the real AWS SDK with a streaming model, under
 * three contenders: no guardrail; Quarry's input guardrail, checked beside the first model call; and the
 * same check run before the call (as LangChain4j's input guardrails are), built as a model interceptor that
 * checks and then proceeds. The check itself is a wait of {@code --check-ms} (a moderation call, say).
 * Reported: median and p90 wall time and time to the first answer token. A second section runs a blocked
 * input under both placements and reports how soon the run ends.
 */
public final class GuardrailLatencyBenchmark {

    private GuardrailLatencyBenchmark() {}

    /** Options of one run. */
    record Options(ModelProfile profile, int repeat, Duration check) {}

    /** The contenders, labelled for what they are. */
    enum Contender {
        NONE("no guardrail"),
        BESIDE("Quarry input guardrail, beside the first call"),
        BEFORE("same check before the first call (LangChain4j's placement)");

        final String label;

        Contender(String label) {
            this.label = label;
        }
    }

    /** One contender's figures, in milliseconds. */
    record Figures(double[] wall, double[] firstToken) {}

    public static void main(String[] args) {
        Options options = new Options(ModelProfile.BASELINE, 20, Duration.ofMillis(400));
        for (int i = 0; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--profile" ->
                    options = new Options(ModelProfile.named(args[i + 1]), options.repeat(), options.check());
                case "--repeat" ->
                    options = new Options(options.profile(), Integer.parseInt(args[i + 1]), options.check());
                case "--check-ms" ->
                    options = new Options(
                            options.profile(), options.repeat(), Duration.ofMillis(Long.parseLong(args[i + 1])));
                default ->
                    throw new IllegalArgumentException("usage: ./bench guardrails [--profile P] [--repeat N]"
                            + " [--check-ms MS]; unknown option " + args[i]);
            }
        }
        System.out.print(report(options, run(options)));
        System.out.print(blockedReport(options));
    }

    static Map<Contender, Figures> run(Options options) {
        return run(options, options.profile().latency());
    }

    /** The runs on a simulator with {@code latency} (tests use an instant one). */
    static Map<Contender, Figures> run(Options options, LatencyProfile latency) {
        Map<Contender, Figures> figures = new LinkedHashMap<>();
        try (SimulatedClaude sim = new SimulatedClaude(
                latency,
                body -> Turn.text("The answer, in about sixty tokens of text that the model streams to the user.")
                        .withVisibleOutputTokens(60))) {
            for (Contender contender : Contender.values()) {
                Agent agent = agent(sim, contender, options.check(), false);
                agent.stream("What is the answer?", event -> {}); // warm-up
                double[] wall = new double[options.repeat()];
                double[] first = new double[options.repeat()];
                for (int i = 0; i < options.repeat(); i++) {
                    AgentResult result = agent.stream("What is the answer?", event -> {});
                    wall[i] = result.trace().wallTime().toNanos() / 1e6;
                    first[i] = result.trace().firstAnswerToken().orElseThrow().toNanos() / 1e6;
                }
                figures.put(contender, new Figures(wall, first));
            }
        }
        return figures;
    }

    /** How long a blocked input takes to end the run under a placement, in milliseconds (median of 5). */
    static double blockedMillis(SimulatedClaude sim, Contender contender, Duration check) {
        Agent agent = agent(sim, contender, check, true);
        double[] times = new double[5];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            try {
                agent.stream("What is the answer?", event -> {});
                throw new IllegalStateException("the blocking guardrail let the run through");
            } catch (GuardrailException expected) {
                times[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return Percentiles.nearestRank(times, 0.5);
    }

    static Agent agent(SimulatedClaude sim, Contender contender, Duration check, boolean block) {
        Guardrail.Check decide = subject -> {
            TimeUnit.NANOSECONDS.sleep(check.toNanos()); // the check's own latency, a stand-in for a moderation call
            return block ? Verdict.block("flagged") : Verdict.pass();
        };
        Agent.Builder builder = Agent.builder().streamingModel(sim.claude.streamingChatModel());
        return switch (contender) {
            case NONE -> builder.build();
            case BESIDE ->
                builder.guardrail(Guardrail.of("moderation", Set.of(Stage.INPUT), decide))
                        .build();
            case BEFORE -> builder.modelInterceptor(checkBefore(decide)).build();
        };
    }

    /** The check run before the first call proceeds: the placement of input guardrails in LangChain4j. */
    private static ModelInterceptor checkBefore(Guardrail.Check decide) {
        java.util.Set<String> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return (call, chain) -> {
            if (checked.add(call.runId())) {
                try {
                    Verdict verdict =
                            decide.check(new Guardrail.Subject(Stage.INPUT, call.runId(), "", "", "", List.of()));
                    if (verdict instanceof Verdict.Block block) {
                        throw new GuardrailException("moderation", "input", block.reason());
                    }
                } catch (GuardrailException e) {
                    throw e;
                } catch (Exception e) {
                    throw new GuardrailException("moderation", "input", "the check failed: " + e, e);
                }
            }
            return chain.proceed(call);
        };
    }

    static String report(Options options, Map<Contender, Figures> figures) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Input guardrail latency: profile %s, check %d ms, %d runs each (streaming, one-turn answer)%n%n",
                options.profile().optionName(),
                options.check().toMillis(),
                options.repeat()));
        out.append("| contender | wall p50 ms | wall p90 ms | first token p50 ms | first token p90 ms |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        figures.forEach((contender, f) -> out.append(String.format(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.0f |%n",
                contender.label,
                Percentiles.nearestRank(f.wall(), 0.5),
                Percentiles.nearestRank(f.wall(), 0.9),
                Percentiles.nearestRank(f.firstToken(), 0.5),
                Percentiles.nearestRank(f.firstToken(), 0.9))));
        return out.toString();
    }

    /** Both placements with a blocking check: how soon the run ends. */
    static String blockedReport(Options options) {
        return blockedReport(options, options.profile().latency());
    }

    static String blockedReport(Options options, LatencyProfile latency) {
        List<String> rows = new ArrayList<>();
        try (SimulatedClaude sim = new SimulatedClaude(latency, body -> Turn.text("never read"))) {
            for (Contender contender : List.of(Contender.BESIDE, Contender.BEFORE)) {
                rows.add(String.format(
                        Locale.ROOT, "| %s | %.0f |", contender.label, blockedMillis(sim, contender, options.check())));
            }
        }
        return "\n| blocked input | run ends after ms (p50 of 5) |\n|---|---:|\n" + String.join("\n", rows) + "\n";
    }
}
