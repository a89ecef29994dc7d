package dev.quarry.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's model of Bedrock prompt caching (Converse {@code cachePoint} blocks), as the Bedrock user
 * guide describes it (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html):
 *
 * <ul>
 *   <li>A checkpoint caches the whole prompt before it, in the order tools, system, messages.
 *   <li>A checkpoint whose prefix is shorter than the model's minimum (1,024 tokens for Claude Sonnet models)
 *       caches nothing; the request still succeeds.
 *   <li>A request reads the longest cached prefix it starts with and writes its later checkpoints.
 *   <li>An entry lives 5 minutes, renewed by every hit; it can be read once the request that wrote it has
 *       produced its first token (the cache is filled as the prompt is processed).
 * </ul>
 *
 * <p>Prefixes are keyed by model id and exact text; tokens are counted as the simulator counts them, four
 * characters of JSON a token.
 */
final class PromptCache {

    static final Duration TIME_TO_LIVE = Duration.ofMinutes(5);

    /** Past this many entries, expired ones are dropped, so a long test does not keep every prefix. */
    private static final int MAX_ENTRIES_BEFORE_SWEEP = 1_024;

    /** The cache tokens of one request: read from earlier requests, and written by this one. */
    record Outcome(int readTokens, int writeTokens) {
        static final Outcome NONE = new Outcome(0, 0);
    }

    private record Checkpoint(String prefix, int tokens) {}

    private record Entry(long readableFromNanos, long expiresNanos) {}

    private final int minimumTokens;
    private final Map<String, Integer> minimumTokensByModel;
    private final Map<String, Entry> entries = new HashMap<>();

    /** @param minimumTokensByModel the minimum for these model ids; {@code minimumTokens} for the others */
    PromptCache(int minimumTokens, Map<String, Integer> minimumTokensByModel) {
        if (minimumTokens < 1) {
            throw new IllegalArgumentException("the minimum cacheable prefix must be at least 1 token");
        }
        this.minimumTokens = minimumTokens;
        this.minimumTokensByModel = Map.copyOf(minimumTokensByModel);
    }

    /**
     * Looks the request's checkpoints up and records what it writes.
     *
     * @param nowNanos when the request arrived
     * @param firstTokenNanos when its first token will be out: what it writes is readable from then on
     */
    synchronized Outcome serve(String modelId, JsonNode body, long nowNanos, long firstTokenNanos) {
        if (entries.size() > MAX_ENTRIES_BEFORE_SWEEP) {
            entries.values().removeIf(entry -> entry.expiresNanos() <= nowNanos);
        }
        int minimum = minimumTokensByModel.getOrDefault(modelId, minimumTokens);
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (Checkpoint checkpoint : checkpoints(body)) {
            if (checkpoint.tokens() >= minimum) {
                checkpoints.add(checkpoint);
            }
        }
        int read = 0;
        int hit = -1;
        for (int i = checkpoints.size() - 1; i >= 0 && hit < 0; i--) {
            String key = modelId + '\n' + checkpoints.get(i).prefix();
            Entry entry = entries.get(key);
            if (entry != null && entry.readableFromNanos() <= nowNanos && entry.expiresNanos() > nowNanos) {
                hit = i;
                read = checkpoints.get(i).tokens();
                entries.put(key, new Entry(entry.readableFromNanos(), nowNanos + TIME_TO_LIVE.toNanos()));
            }
        }
        int written = 0;
        for (int i = hit + 1; i < checkpoints.size(); i++) {
            String key = modelId + '\n' + checkpoints.get(i).prefix();
            Entry fresh = new Entry(firstTokenNanos, firstTokenNanos + TIME_TO_LIVE.toNanos());
            entries.merge(key, fresh, (old, neu) -> old.expiresNanos() > nowNanos ? old : neu);
            written = checkpoints.get(i).tokens() - read;
        }
        return new Outcome(read, written);
    }

    synchronized void clear() {
        entries.clear();
    }

    /** Every checkpoint of the request with the prompt before it, tools first, then system, then messages. */
    private static List<Checkpoint> checkpoints(JsonNode body) {
        List<Checkpoint> checkpoints = new ArrayList<>();
        StringBuilder prefix = new StringBuilder();
        for (JsonNode tool : body.path("toolConfig").path("tools")) {
            add(tool, prefix, checkpoints);
        }
        for (JsonNode block : body.path("system")) {
            add(block, prefix, checkpoints);
        }
        for (JsonNode message : body.path("messages")) {
            prefix.append(message.path("role").asText()).append(':');
            for (JsonNode block : message.path("content")) {
                add(block, prefix, checkpoints);
            }
        }
        return checkpoints;
    }

    private static void add(JsonNode block, StringBuilder prefix, List<Checkpoint> checkpoints) {
        if (block.has("cachePoint")) {
            checkpoints.add(new Checkpoint(prefix.toString(), prefix.length() / 4));
        } else {
            prefix.append(block);
        }
    }
}
