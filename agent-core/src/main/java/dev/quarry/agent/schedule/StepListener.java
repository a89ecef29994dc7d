package dev.quarry.agent.schedule;

/**
 * Observes steps starting and ending and approvals asked for and given (tracing, metrics, progress, run
 * streams). Called on step threads; keep it quick.
 */
public interface StepListener {

    /** The step's dependencies are done and it is about to run (or be refused, skipped, ...). */
    default void onStart(String runId, Step step) {}

    /**
     * The step ended; {@code step} is the step as it ran, its references to earlier steps' results resolved
     * (as planned when it never got that far).
     */
    default void onFinish(String runId, Step step, StepResult result) {}

    /** A side-effecting call is about to be put to the approval handler. */
    default void onApprovalRequested(String runId, ApprovalHandler.Request request) {}

    /** The approval handler decided on a call. */
    default void onApprovalDecided(String runId, ApprovalHandler.Request request, ApprovalHandler.Decision decision) {}
}
