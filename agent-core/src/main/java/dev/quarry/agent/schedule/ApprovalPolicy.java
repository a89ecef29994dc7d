package dev.quarry.agent.schedule;

import java.util.Optional;

/**
 * Says whether a person may give a decision on a waiting call, for {@code Agent.approve(runId, decisions,
 * approver)}: a run that waits for approval is continued only with decisions its policy accepts. For example,
 * only the on-call team may approve a call of {@code send_email}:
 *
 * <pre>{@code
 * Agent.builder()...approvalPolicy((approver, request, decision) -> request.tool().equals("send_email")
 *         && !onCall.contains(approver) ? Optional.of(approver + " is not on call") : Optional.empty())
 * }</pre>
 */
@FunctionalInterface
public interface ApprovalPolicy {

    /** Anyone the application names may decide (the default). */
    ApprovalPolicy ANYONE = (approver, request, decision) -> Optional.empty();

    /**
     * Why {@code approver} may not give {@code decision} on {@code request}, or empty when they may.
     *
     * @param approver who decides, as the application identified them
     */
    Optional<String> refusal(String approver, ApprovalHandler.Request request, ApprovalHandler.Decision decision);
}
