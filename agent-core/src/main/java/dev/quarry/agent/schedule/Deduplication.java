package dev.quarry.agent.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Built-in, outermost step interceptor (one per run): a call with the same tool and the same arguments
 * (compared as canonical JSON, so key order does not matter) as an earlier call of the run is answered with
 * the earlier call's result, waiting for it if it is still running. A side effect never runs twice. A
 * speculative call that did not succeed (not run for want of a permit, or failed) answers no one: the call
 * that asked runs itself.
 */
final class Deduplication implements StepInterceptor {

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private record Call(CompletableFuture<StepResult> result, boolean speculative) {}

    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        String key = call.tool().name() + " " + canonical(call.arguments());
        CompletableFuture<StepResult> mine = new CompletableFuture<>();
        Call own = new Call(mine, call.step().speculative());
        Call first = calls.putIfAbsent(key, own);
        while (first != null) {
            StepResult shared;
            try {
                shared = first.result().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("shared step failed unexpectedly", e.getCause());
            }
            if (!first.speculative() || shared.status().succeeded()) {
                return shared.sharedAs(call.step().id());
            }
            first = calls.replace(key, first, own) ? null : calls.putIfAbsent(key, own);
        }
        try {
            StepResult result = chain.proceed(call);
            mine.complete(result);
            return result;
        } catch (InterruptedException | RuntimeException e) {
            mine.complete(StepResult.failed(call.step(), StepStatus.CANCELLED, "Stopped: " + e, 0));
            throw e;
        }
    }

    private static String canonical(ObjectNode arguments) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.convertValue(arguments, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise arguments", e);
        }
    }
}
