package dev.quarry.eval;

import dev.quarry.agent.AgentResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of one case: the agent's result, or the error the run ended with (and the partial result it
 * carried, when there was one).
 */
public final class CaseRun {

    private final EvalCase evalCase;
    private final int repeat;
    private final AgentResult result;
    private final String error;
    private final Duration wall;

    CaseRun(EvalCase evalCase, int repeat, AgentResult result, String error, Duration wall) {
        this.evalCase = Objects.requireNonNull(evalCase, "evalCase");
        this.repeat = repeat;
        this.result = result;
        this.error = error;
        this.wall = wall;
    }

    /** A run that answered. */
    public static CaseRun answered(EvalCase evalCase, int repeat, AgentResult result, Duration wall) {
        return new CaseRun(evalCase, repeat, Objects.requireNonNull(result, "result"), null, wall);
    }

    /** A run that failed with {@code error}; {@code partial} may be null. */
    public static CaseRun failed(EvalCase evalCase, int repeat, String error, AgentResult partial, Duration wall) {
        return new CaseRun(evalCase, repeat, partial, Objects.requireNonNull(error, "error"), wall);
    }

    /** The case. */
    public EvalCase evalCase() {
        return evalCase;
    }

    /** Which repetition (1, 2, ...). */
    public int repeat() {
        return repeat;
    }

    /** The result, or the partial result of a failed run, when there is one. */
    public Optional<AgentResult> result() {
        return Optional.ofNullable(result);
    }

    /** The error a failed run ended with. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** The answer; empty for a failed run. */
    public String answer() {
        return error == null && result != null ? result.answer() : "";
    }

    /** Wall time of the run, as the runner measured it. */
    public Duration wall() {
        return wall;
    }
}
