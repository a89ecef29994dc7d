package dev.quarry.eval;

import java.util.Objects;

/**
 * One measurement of one run of a case.
 *
 * @param name the metric ({@code answer}, {@code trajectory_recall}, {@code tokens}, ...)
 * @param value its value ({@code 1}/{@code 0} for a check; NaN when the scorer failed)
 * @param verdict whether it is a check that passed or failed, a figure, or a scorer that failed
 * @param detail what the report shows: the expectation and what the run did, or the error
 */
public record Metric(String name, double value, Verdict verdict, String detail) {

    /** What a metric says about the run. */
    public enum Verdict {
        /** A check the run passed. */
        PASS,
        /** A check the run failed. */
        FAIL,
        /** A figure, not a check (tokens, wall time). */
        INFO,
        /** The scorer itself failed: neither passed nor failed. */
        ERROR
    }

    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(verdict, "verdict");
        detail = detail == null ? "" : detail;
    }

    /** A check. */
    public static Metric check(String name, boolean passed, String detail) {
        return new Metric(name, passed ? 1 : 0, passed ? Verdict.PASS : Verdict.FAIL, detail);
    }

    /** A figure. */
    public static Metric figure(String name, double value) {
        return new Metric(name, value, Verdict.INFO, "");
    }

    /** Whether this metric is a check that did not pass (failed, or its scorer failed). */
    public boolean failed() {
        return verdict == Verdict.FAIL || verdict == Verdict.ERROR;
    }
}
