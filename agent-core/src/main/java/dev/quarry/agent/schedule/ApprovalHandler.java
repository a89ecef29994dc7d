package dev.quarry.agent.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Decides whether a side-effecting tool call may run. Called on the step's thread, so it may block (ask a
 * person, call a policy service). A refusal is sent to the model as the step's result, never thrown.
 */
@FunctionalInterface
public interface ApprovalHandler {

    /** Approves or refuses one call; may block until a person answers. */
    Decision decide(Request request) throws InterruptedException;

    /** Refuses every side-effecting call: the safe default. */
    static ApprovalHandler denyAll() {
        return request -> Decision.refuse("no approval handler is configured for side-effecting tools (a tool"
                + " without a declared policy counts as side-effecting; declare one that only reads with"
                + " @Policy(sideEffecting = false) or ToolPolicy.readOnly())");
    }

    /** Approves every call; for tests and trusted batch jobs only. */
    static ApprovalHandler approveAll() {
        return request -> Decision.approve();
    }

    /** The call awaiting approval. */
    record Request(String runId, String stepId, String tool, ObjectNode arguments) {}

    /** The answer, with a reason the model reads when refused. */
    record Decision(boolean approved, String reason) {
        /** Lets the call run. */
        public static Decision approve() {
            return new Decision(true, "approved");
        }

        /** Refuses the call; the step ends as refused with this reason for the model. */
        public static Decision refuse(String reason) {
            return new Decision(false, reason);
        }
    }
}
