package dev.quarry.agent.error;

/**
 * The model's answer did not have the requested type after the allowed corrections; the message quotes
 * what it replied and what was wrong.
 */
public final class InvalidAnswerException extends QuarryException {

    public InvalidAnswerException(String message) {
        super(message);
    }

    private InvalidAnswerException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public InvalidAnswerException withPartial(Object partialResult) {
        return new InvalidAnswerException(getMessage(), this, partialResult);
    }
}
