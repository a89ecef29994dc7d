package dev.quarry.agent.tool;

/**
 * A tool failure whose message the model should read and can act on. {@link #isTransient()} failures of
 * idempotent tools are retried by the scheduler.
 */
public class ToolException extends Exception {

    private final boolean transientFailure;

    public ToolException(String message) {
        this(message, false, null);
    }

    public ToolException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** Whether trying again may succeed (a timeout, a busy backend). */
    public boolean isTransient() {
        return transientFailure;
    }
}
