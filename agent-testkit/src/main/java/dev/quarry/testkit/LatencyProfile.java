package dev.quarry.testkit;

import java.time.Duration;

/**
 * How long a simulated model takes: time to first token (a fixed part plus a part per input token), then
 * output tokens at a given rate. {@link #faster(double)} gives "the same model, k times faster".
 *
 * @param firstTokenFixed fixed part of the time to first token
 * @param firstTokenPerInputToken added per input token (prompt processing)
 * @param outputTokensPerSecond decoding speed
 */
public record LatencyProfile(Duration firstTokenFixed, Duration firstTokenPerInputToken, double outputTokensPerSecond) {

    /** No delay at all: for functional tests. */
    public static final LatencyProfile INSTANT =
            new LatencyProfile(Duration.ZERO, Duration.ZERO, Double.POSITIVE_INFINITY);

    public LatencyProfile {
        if (firstTokenFixed.isNegative() || firstTokenPerInputToken.isNegative()) {
            throw new IllegalArgumentException("latencies must not be negative");
        }
        if (!(outputTokensPerSecond > 0)) {
            throw new IllegalArgumentException("outputTokensPerSecond must be positive");
        }
    }

    /** Time to the first token for a prompt of {@code inputTokens}. */
    public Duration timeToFirstToken(int inputTokens) {
        return firstTokenFixed.plus(firstTokenPerInputToken.multipliedBy(inputTokens));
    }

    /** Time to write {@code outputTokens} after the first. */
    public Duration generation(int outputTokens) {
        return Double.isInfinite(outputTokensPerSecond)
                ? Duration.ZERO
                : Duration.ofNanos((long) (outputTokens / outputTokensPerSecond * 1e9));
    }

    /** Whole-turn latency. */
    public Duration total(int inputTokens, int outputTokens) {
        return timeToFirstToken(inputTokens).plus(generation(outputTokens));
    }

    /** The same model {@code factor} times faster: every part of the latency divided by {@code factor}. */
    public LatencyProfile faster(double factor) {
        return new LatencyProfile(
                Duration.ofNanos((long) (firstTokenFixed.toNanos() / factor)),
                Duration.ofNanos((long) (firstTokenPerInputToken.toNanos() / factor)),
                outputTokensPerSecond * factor);
    }
}
