package dev.quarry.agent.schedule;

import dev.quarry.agent.error.ConfigurationException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retries with exponential backoff and full jitter: attempt n waits a random time in
 * {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}.
 *
 * @param maxAttempts total attempts including the first; 1 means no retry
 * @param initialBackoff backoff bound before the second attempt
 * @param maxBackoff largest backoff bound
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2));

    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new ConfigurationException("RetryPolicy.maxAttempts must be >= 1, was " + maxAttempts);
        }
        if (initialBackoff == null || maxBackoff == null || initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new ConfigurationException("RetryPolicy backoffs must be given and not negative, were "
                    + initialBackoff + " and " + maxBackoff);
        }
    }

    /** The randomised wait before attempt {@code attempt + 1}, given {@code attempt} attempts failed. */
    public Duration backoffAfter(int attempt) {
        long bound = initialBackoff.toNanos() << Math.min(attempt - 1, 20);
        bound = Math.min(bound, maxBackoff.toNanos());
        return bound <= 0
                ? Duration.ZERO
                : Duration.ofNanos(ThreadLocalRandom.current().nextLong(bound + 1));
    }
}
