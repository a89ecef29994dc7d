package dev.quarry.agent.model;

import dev.langchain4j.model.output.TokenUsage;

/**
 * Token usage that also counts prompt-cache reads and writes. A model adapter whose provider reports cache
 * tokens (the Bedrock module does) returns its usage as this type, so the run's {@link Usage} and limits
 * count them without agent-core knowing the provider.
 */
public final class CacheTokenUsage extends TokenUsage {

    private final int cacheReadTokens;
    private final int cacheWriteTokens;

    public CacheTokenUsage(Integer input, Integer output, int cacheReadTokens, int cacheWriteTokens) {
        super(input, output);
        this.cacheReadTokens = cacheReadTokens;
        this.cacheWriteTokens = cacheWriteTokens;
    }

    /** Input tokens read from the provider's prompt cache. */
    public int cacheReadTokens() {
        return cacheReadTokens;
    }

    /** Input tokens written to the provider's prompt cache. */
    public int cacheWriteTokens() {
        return cacheWriteTokens;
    }

    /** The sum of both usages, cache tokens included (langchain4j sums a response's usages with this). */
    @Override
    public CacheTokenUsage add(TokenUsage that) {
        if (that == null) {
            return this;
        }
        boolean cached = that instanceof CacheTokenUsage;
        return new CacheTokenUsage(
                sum(inputTokenCount(), that.inputTokenCount()),
                sum(outputTokenCount(), that.outputTokenCount()),
                cacheReadTokens + (cached ? ((CacheTokenUsage) that).cacheReadTokens : 0),
                cacheWriteTokens + (cached ? ((CacheTokenUsage) that).cacheWriteTokens : 0));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheTokenUsage that
                && super.equals(that)
                && cacheReadTokens == that.cacheReadTokens
                && cacheWriteTokens == that.cacheWriteTokens;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * super.hashCode() + cacheReadTokens) + cacheWriteTokens;
    }
}
