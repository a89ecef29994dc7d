package dev.quarry.agent.error;

/** A run hit one of its limits (steps, model calls, tokens) before the model gave an answer. */
public final class LimitExceededException extends QuarryException {

    public LimitExceededException(String message) {
        super(message);
    }

    private LimitExceededException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public LimitExceededException withPartial(Object partialResult) {
        return new LimitExceededException(getMessage(), this, partialResult);
    }
}
