package dev.quarry.agent;

import dev.quarry.agent.error.ConfigurationException;
import java.time.Duration;

/**
 * Bounds on one run. A run that reaches one ends with a
 * {@link dev.quarry.agent.error.LimitExceededException} or {@link dev.quarry.agent.error.DeadlineExceededException}, with everything it started cancelled.
 *
 * @param maxSteps most tool steps
 * @param maxModelCalls most model calls (planning, tool-use turns, joins)
 * @param tokenBudget most tokens (input + output + cache) over all model calls
 * @param deadline longest wall time of the run
 */
public record Limits(int maxSteps, int maxModelCalls, long tokenBudget, Duration deadline) {

    /** 64 steps, 16 model calls, 1,000,000 tokens, 5 minutes. */
    public static final Limits DEFAULT = new Limits(64, 16, 1_000_000, Duration.ofMinutes(5));

    public Limits {
        if (maxSteps < 0) {
            throw new ConfigurationException("Limits.maxSteps must be >= 0, was " + maxSteps);
        }
        if (maxModelCalls < 1) {
            throw new ConfigurationException("Limits.maxModelCalls must be >= 1, was " + maxModelCalls);
        }
        if (tokenBudget < 1) {
            throw new ConfigurationException("Limits.tokenBudget must be >= 1, was " + tokenBudget);
        }
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new ConfigurationException("Limits.deadline must be a positive duration, was " + deadline);
        }
    }

    /** These limits with another maximum number of steps. */
    public Limits withMaxSteps(int value) {
        return new Limits(value, maxModelCalls, tokenBudget, deadline);
    }

    /** These limits with another maximum number of model calls. */
    public Limits withMaxModelCalls(int value) {
        return new Limits(maxSteps, value, tokenBudget, deadline);
    }

    /** These limits with another token budget (input plus output tokens). */
    public Limits withTokenBudget(long value) {
        return new Limits(maxSteps, maxModelCalls, value, deadline);
    }

    /** These limits with another deadline for the whole run. */
    public Limits withDeadline(Duration value) {
        return new Limits(maxSteps, maxModelCalls, tokenBudget, value);
    }
}
