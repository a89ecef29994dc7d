package dev.quarry.agent.error;

/**
 * Thrown by {@code Agent.approve} when the agent's approval policy refuses the approver a decision: nothing
 * was recorded and the run still waits. The message names the approver, the step and the policy's reason.
 */
public final class ApprovalNotAllowedException extends QuarryException {

    /** A refusal, with the message to show. */
    public ApprovalNotAllowedException(String message) {
        super(message);
    }

    private ApprovalNotAllowedException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public ApprovalNotAllowedException withPartial(Object partialResult) {
        return new ApprovalNotAllowedException(getMessage(), this, partialResult);
    }
}
