package dev.quarry.agent.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a side-effecting tool call may run. Called on the step's thread, so it may block (ask a
 * person, call a policy service). A refusal is sent to the model as the step's result, never thrown.
 *
 * <p>An approval given by a person hours later does not block a thread: with a journal
 * ({@code Agent.Builder.journal}), {@link #suspendRun()} (or a handler returning {@link Decision#suspend()})
 * ends the run waiting for approval, and {@code Agent.approve(runId, decisions)} continues it, in this JVM
 * or another one.
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

    /** Suspends the run at every side-effecting call until a person decides with {@code Agent.approve}. */
    static ApprovalHandler suspendRun() {
        return request -> Decision.suspend();
    }

    /**
     * The call awaiting approval.
     *
     * @param runId the run
     * @param stepId the step, the key of a decision given later
     * @param tool the tool it calls
     * @param arguments the arguments it would be called with
     * @param inDoubt true when an earlier process started this call and stopped before it recorded an outcome:
     *     it may already have taken effect
     */
    record Request(String runId, String stepId, String tool, ObjectNode arguments, boolean inDoubt) {
        /** A request for a call that has not been started before. */
        public Request(String runId, String stepId, String tool, ObjectNode arguments) {
            this(runId, stepId, tool, arguments, false);
        }
    }

    /** What a decision does with the call. */
    enum Verdict {
        /** The call runs. */
        APPROVE,
        /** The call does not run; the model reads the reason. */
        REFUSE,
        /** The run ends waiting for a person; it needs a journal. */
        SUSPEND
    }

    /**
     * The answer, with a reason the model reads when refused.
     *
     * @param verdict run, refuse or wait
     * @param reason why, for the model when refused
     * @param editedArguments arguments to run the call with instead of the model's, or null
     */
    record Decision(Verdict verdict, String reason, ObjectNode editedArguments) {

        /** Checks the verdict and reason are there. */
        public Decision {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(reason, "reason");
        }

        /** Lets the call run. */
        public static Decision approve() {
            return new Decision(Verdict.APPROVE, "approved", null);
        }

        /** Lets the call run with these arguments instead of the model's (checked against the tool's schema). */
        public static Decision approveWith(ObjectNode arguments) {
            return new Decision(Verdict.APPROVE, "approved with edited arguments", arguments.deepCopy());
        }

        /** Refuses the call; the step ends as refused with this reason for the model. */
        public static Decision refuse(String reason) {
            return new Decision(Verdict.REFUSE, reason, null);
        }

        /** Ends the run waiting for a person's decision (the agent needs a journal). */
        public static Decision suspend() {
            return new Decision(Verdict.SUSPEND, "waiting for approval", null);
        }

        /** Whether the call may run. */
        public boolean approved() {
            return verdict == Verdict.APPROVE;
        }

        /** The edited arguments, when the approver changed them. */
        public Optional<ObjectNode> arguments() {
            return Optional.ofNullable(editedArguments);
        }
    }
}
