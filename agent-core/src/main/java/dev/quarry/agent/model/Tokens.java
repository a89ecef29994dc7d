package dev.quarry.agent.model;

import dev.langchain4j.model.output.TokenUsage;

/** The token counts of a response, 0 where the model did not report them; cache counts from {@link CacheTokenUsage}. */
record Tokens(long input, long output, long cacheRead, long cacheWrite) {

    static Tokens of(TokenUsage usage) {
        CacheTokenUsage cache = usage instanceof CacheTokenUsage c ? c : null;
        return new Tokens(
                usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
                cache == null ? 0 : cache.cacheReadTokens(),
                cache == null ? 0 : cache.cacheWriteTokens());
    }
}
