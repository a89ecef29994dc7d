package dev.quarry.agent.error;

/** The caller cancelled the run (or interrupted its thread); every step it had started was stopped. */
public final class RunCancelledException extends QuarryException {

    public RunCancelledException(String message) {
        super(message);
    }

    private RunCancelledException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public RunCancelledException withPartial(Object partialResult) {
        return new RunCancelledException(getMessage(), this, partialResult);
    }
}
