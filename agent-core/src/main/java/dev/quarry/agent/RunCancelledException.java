package dev.quarry.agent;

/** The caller cancelled the run (or interrupted its thread); every step it had started was stopped. */
public final class RunCancelledException extends QuarryException {

    public RunCancelledException(String message) {
        super(message);
    }
}
