package dev.quarry.agent.error;

/** The model could not be called successfully within the configured attempts (or failed for good). */
public final class ModelCallException extends QuarryException {

    private final int attempts;

    public ModelCallException(String message, int attempts, Throwable cause) {
        this(message, attempts, cause, null);
    }

    private ModelCallException(String message, int attempts, Throwable cause, Object partial) {
        super(message, cause, partial);
        this.attempts = attempts;
    }

    /** How many requests were sent for the failed call. */
    public int attempts() {
        return attempts;
    }

    @Override
    public ModelCallException withPartial(Object partialResult) {
        return new ModelCallException(getMessage(), attempts, this, partialResult);
    }
}
