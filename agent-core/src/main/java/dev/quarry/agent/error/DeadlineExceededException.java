package dev.quarry.agent.error;

/**
 * A run did not answer before its deadline; everything it had started was cancelled. A run that answered
 * in time never throws this, and a run that did not always does: the run loop is the deadline's one owner.
 */
public final class DeadlineExceededException extends QuarryException {

    public DeadlineExceededException(String message) {
        super(message);
    }

    private DeadlineExceededException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public DeadlineExceededException withPartial(Object partialResult) {
        return new DeadlineExceededException(getMessage(), this, partialResult);
    }
}
