package dev.quarry.agent;

/** A run did not finish before its deadline; everything it had started was cancelled. */
public final class DeadlineExceededException extends QuarryException {

    public DeadlineExceededException(String message) {
        super(message);
    }
}
