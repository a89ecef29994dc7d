package dev.quarry.agent.tool;

import dev.quarry.agent.error.ConfigurationException;
import java.time.Duration;

/**
 * What the scheduler must know about a tool.
 *
 * @param sideEffecting the tool changes the world (sends, writes, pays); it runs only after approval
 * @param idempotent calling twice with the same arguments is harmless, so transient failures may be retried
 * @param timeout longest a single call may run before it is interrupted
 * @param maxConcurrency most calls of this tool running at once, across a run
 */
public record ToolPolicy(boolean sideEffecting, boolean idempotent, Duration timeout, int maxConcurrency) {

    /** Default per-call timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public ToolPolicy {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new ConfigurationException("ToolPolicy.timeout must be a positive duration, was " + timeout);
        }
        if (maxConcurrency < 1) {
            throw new ConfigurationException("ToolPolicy.maxConcurrency must be >= 1, was " + maxConcurrency);
        }
    }

    /** Read-only and idempotent: retried on transient errors, never needs approval. */
    public static ToolPolicy readOnly() {
        return new ToolPolicy(false, true, DEFAULT_TIMEOUT, Integer.MAX_VALUE);
    }

    /** Side-effecting and not idempotent: needs approval, never retried. */
    public static ToolPolicy sideEffects() {
        return new ToolPolicy(true, false, DEFAULT_TIMEOUT, Integer.MAX_VALUE);
    }

    /** This policy with another time limit per call. */
    public ToolPolicy withTimeout(Duration newTimeout) {
        return new ToolPolicy(sideEffecting, idempotent, newTimeout, maxConcurrency);
    }

    /** This policy with another limit on calls of this tool running at once. */
    public ToolPolicy withMaxConcurrency(int newMax) {
        return new ToolPolicy(sideEffecting, idempotent, timeout, newMax);
    }

    /** This policy, saying whether a failed call may be retried. */
    public ToolPolicy withIdempotent(boolean newIdempotent) {
        return new ToolPolicy(sideEffecting, newIdempotent, timeout, maxConcurrency);
    }
}
