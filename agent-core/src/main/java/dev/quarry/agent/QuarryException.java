package dev.quarry.agent;

/**
 * Base of every error Quarry raises to its caller. Each subclass names one thing that went wrong, and its
 * message says what to change. Errors the model can recover from (a failed step, bad arguments) are sent
 * back to the model instead; the caller sees a {@code QuarryException} only when the run cannot continue.
 */
public abstract class QuarryException extends RuntimeException {

    protected QuarryException(String message) {
        super(message);
    }

    protected QuarryException(String message, Throwable cause) {
        super(message, cause);
    }
}
