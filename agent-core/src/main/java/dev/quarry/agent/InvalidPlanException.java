package dev.quarry.agent;

/** The model kept producing plans Quarry cannot run (unknown tools, bad references, cycles, bad format). */
public final class InvalidPlanException extends QuarryException {

    public InvalidPlanException(String message) {
        super(message);
    }
}
