package dev.quarry.agent.error;

import java.util.Optional;

/**
 * Base of every error Quarry raises to its caller. Each subclass names one thing that went wrong, and its
 * message says what to change. Errors the model can recover from (a failed step, bad arguments) are sent
 * back to the model instead; the caller sees a {@code QuarryException} only when the run cannot continue.
 *
 * <p>An exception that ends a run carries what the run had done by then (its completed steps, usage and
 * trace) as {@link #partial(Class) partial(AgentResult.class)}. This package imports nothing else of Quarry,
 * so every other package may throw these exceptions without a package cycle; that is why the partial
 * result is typed by the caller.
 */
public abstract class QuarryException extends RuntimeException {

    private final transient Object partial;

    protected QuarryException(String message) {
        this(message, null, null);
    }

    protected QuarryException(String message, Throwable cause) {
        this(message, cause, null);
    }

    protected QuarryException(String message, Throwable cause, Object partial) {
        super(message, cause);
        this.partial = partial;
    }

    /**
     * What the run had when it ended, for example {@code e.partial(AgentResult.class)}: its answer is empty,
     * its steps, usage and trace are those of the run up to this error. Empty for errors raised outside a
     * run (configuration) or by a component used alone.
     */
    public <T> Optional<T> partial(Class<T> type) {
        return type.isInstance(partial) ? Optional.of(type.cast(partial)) : Optional.empty();
    }

    /**
     * The same error carrying the run's partial result; the original is the cause. The run loop calls this
     * once, when the error leaves the run.
     */
    public abstract QuarryException withPartial(Object partialResult);
}
