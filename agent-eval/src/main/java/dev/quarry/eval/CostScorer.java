package dev.quarry.eval;

import dev.quarry.agent.AgentResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Cost and time from the run's usage and trace: {@code model_calls}, {@code tokens}, {@code wall_ms},
 * {@code critical_path_ms}, and the check {@code limits} when the case sets any.
 */
public final class CostScorer implements Scorer {

    @Override
    public String name() {
        return "cost";
    }

    @Override
    public List<Metric> score(EvalCase evalCase, CaseRun run) {
        if (run.result().isEmpty()) {
            return List.of();
        }
        AgentResult result = run.result().get();
        int calls = result.usage().modelCalls();
        long tokens = result.usage().totalTokens();
        double wall = result.trace().wallTime().toNanos() / 1e6;
        List<Metric> metrics = new ArrayList<>(List.of(
                Metric.figure("model_calls", calls),
                Metric.figure("tokens", tokens),
                Metric.figure("wall_ms", wall),
                Metric.figure("critical_path_ms", result.trace().criticalPath().toNanos() / 1e6)));
        EvalCase.CaseLimits limits = evalCase.limits();
        if (limits.any()) {
            List<String> over = new ArrayList<>();
            if (limits.maxModelCalls() > 0 && calls > limits.maxModelCalls()) {
                over.add(calls + " model calls > " + limits.maxModelCalls());
            }
            if (limits.maxTokens() > 0 && tokens > limits.maxTokens()) {
                over.add(tokens + " tokens > " + limits.maxTokens());
            }
            if (!limits.maxLatency().isZero() && wall > limits.maxLatency().toMillis()) {
                over.add(Math.round(wall) + " ms > " + limits.maxLatency().toMillis() + " ms");
            }
            metrics.add(Metric.check(
                    "limits", over.isEmpty(), over.isEmpty() ? "within the limits" : String.join("; ", over)));
        }
        return metrics;
    }
}
