package dev.quarry.agent.model;

import dev.quarry.agent.trace.Span;
import dev.quarry.agent.trace.Trace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Built-in: records each model call as a span of the run's {@link Trace}, with its tokens, attempts, how it
 * ended, and the step results it read (for the critical path).
 */
public final class ModelTracing implements ModelInterceptor {

    private final Trace trace;
    private final Function<ModelCall, List<String>> inputs;

    /**
     * @param trace the run's trace
     * @param inputs the ids of the step results a call reads (for the planner: those the run awaited since
     *     its previous call)
     */
    public ModelTracing(Trace trace, Function<ModelCall, List<String>> inputs) {
        this.trace = trace;
        this.inputs = inputs;
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        List<String> read = inputs.apply(call);
        long start = trace.now();
        ModelResponse response;
        try {
            response = chain.proceed(call);
        } catch (RuntimeException e) {
            record(call, start, e.getClass().getSimpleName(), 0, read, Map.of());
            throw e;
        }
        Tokens tokens = Tokens.of(response.chatResponse().tokenUsage());
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("inputTokens", tokens.input());
        attributes.put("outputTokens", tokens.output());
        attributes.put("cacheReadTokens", tokens.cacheRead());
        record(call, start, "OK", response.attempts(), read, attributes);
        return response;
    }

    private void record(
            ModelCall call,
            long start,
            String outcome,
            int attempts,
            List<String> read,
            Map<String, Object> attributes) {
        trace.add(new Span(
                call.id(), Span.Kind.MODEL, call.purpose(), start, trace.now(), outcome, attempts, read, attributes));
    }
}
