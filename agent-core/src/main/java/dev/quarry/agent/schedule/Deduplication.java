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
 * the earlier call's result, waiting for it if it is still running. A side effect never runs twice.
 */
final class Deduplication implements StepInterceptor {

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Map<String, CompletableFuture<StepResult>> calls = new ConcurrentHashMap<>();

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        String key = call.tool().name() + " " + canonical(call.arguments());
        CompletableFuture<StepResult> mine = new CompletableFuture<>();
        CompletableFuture<StepResult> first = calls.putIfAbsent(key, mine);
        if (first != null) {
            try {
                return first.get().sharedAs(call.step().id());
            } catch (ExecutionException e) {
                throw new IllegalStateException("shared step failed unexpectedly", e.getCause());
            }
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
