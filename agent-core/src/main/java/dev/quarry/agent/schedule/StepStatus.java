package dev.quarry.agent.schedule;

/** How a step ended. Only {@link #SUCCEEDED} carries a tool's real output; the rest carry an explanation. */
public enum StepStatus {
    SUCCEEDED,
    /** The tool threw, or returned an error result. */
    FAILED,
    /** The call passed its tool's timeout (on every attempt). */
    TIMED_OUT,
    /** The arguments did not match the tool's schema. */
    INVALID_ARGUMENTS,
    /** No tool of that name is available to this run. */
    UNKNOWN_TOOL,
    /** The run ended waiting for a person to approve this call ({@link ApprovalHandler#suspendRun()}). */
    AWAITING_APPROVAL,
    /** A side-effecting call was not approved. */
    REFUSED,
    /** A step it depends on did not succeed. */
    SKIPPED,
    /** The run was cancelled or passed its deadline while the step was waiting or running. */
    CANCELLED;

    /** Whether the step succeeded. */
    public boolean succeeded() {
        return this == SUCCEEDED;
    }
}
