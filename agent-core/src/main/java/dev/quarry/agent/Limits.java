package dev.quarry.agent;

import java.time.Duration;

/**
 * Bounds on one run. A run that reaches one ends with a {@link LimitExceededException} or
 * {@link DeadlineExceededException}, with everything it started cancelled.
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
        if (maxSteps < 0 || maxModelCalls < 1 || tokenBudget < 1) {
            throw new IllegalArgumentException("limits must be positive (maxSteps may be 0)");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
    }

    public Limits withMaxSteps(int value) {
        return new Limits(value, maxModelCalls, tokenBudget, deadline);
    }

    public Limits withMaxModelCalls(int value) {
        return new Limits(maxSteps, value, tokenBudget, deadline);
    }

    public Limits withTokenBudget(long value) {
        return new Limits(maxSteps, maxModelCalls, value, deadline);
    }

    public Limits withDeadline(Duration value) {
        return new Limits(maxSteps, maxModelCalls, tokenBudget, value);
    }
}
