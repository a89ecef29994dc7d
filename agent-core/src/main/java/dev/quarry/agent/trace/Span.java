package dev.quarry.agent.trace;

import java.util.List;
import java.util.Map;

/**
 * One timed piece of a run: a model call or a step.
 *
 * @param id unique within the trace ({@code model-1}, a step id)
 * @param kind model call or step
 * @param name the model call's purpose or the step's tool
 * @param startNanos start, nanoseconds since the run began (monotonic clock)
 * @param endNanos end, nanoseconds since the run began
 * @param outcome how it ended ({@code OK}, a step status, an error)
 * @param attempts requests or calls made
 * @param dependsOn spans whose output this span needed; used for the critical path
 * @param attributes details: tokens for model calls, deduplication for steps
 */
public record Span(
        String id,
        Kind kind,
        String name,
        long startNanos,
        long endNanos,
        String outcome,
        int attempts,
        List<String> dependsOn,
        Map<String, Object> attributes) {

    public Span {
        dependsOn = List.copyOf(dependsOn);
        attributes = Map.copyOf(attributes);
    }

    /** What a span timed. */
    public enum Kind {
        MODEL,
        STEP
    }

    /** The span's length in nanoseconds. */
    public long durationNanos() {
        return endNanos - startNanos;
    }
}
