package dev.quarry.agent.error;

/**
 * A run is being continued elsewhere: another instance (or thread) holds its lease, so this one may not
 * resume or approve it now. A live holder's lease is never taken; one that stopped heartbeating lapses, and
 * the run can then be taken over ({@code Agent.resumeOrphans()}).
 */
public final class RunHeldException extends QuarryException {

    public RunHeldException(String message) {
        super(message);
    }

    private RunHeldException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public RunHeldException withPartial(Object partialResult) {
        return new RunHeldException(getMessage(), this, partialResult);
    }
}
