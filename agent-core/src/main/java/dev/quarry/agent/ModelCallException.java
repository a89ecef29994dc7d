package dev.quarry.agent;

/** The model could not be called successfully within the configured attempts (or failed for good). */
public final class ModelCallException extends QuarryException {

    private final int attempts;

    public ModelCallException(String message, int attempts, Throwable cause) {
        super(message, cause);
        this.attempts = attempts;
    }

    /** How many requests were sent for the failed call. */
    public int attempts() {
        return attempts;
    }
}
