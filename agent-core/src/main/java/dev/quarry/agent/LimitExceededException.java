package dev.quarry.agent;

/** A run hit one of its {@link Limits} (steps, model calls, tokens) before the model gave an answer. */
public final class LimitExceededException extends QuarryException {

    public LimitExceededException(String message) {
        super(message);
    }
}
