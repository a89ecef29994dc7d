package dev.quarry.agent.error;

/** The model kept producing plans Quarry cannot run (unknown tools, bad references, cycles, bad format). */
public final class InvalidPlanException extends QuarryException {

    public InvalidPlanException(String message) {
        super(message);
    }

    private InvalidPlanException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public InvalidPlanException withPartial(Object partialResult) {
        return new InvalidPlanException(getMessage(), this, partialResult);
    }
}
