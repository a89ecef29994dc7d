package dev.quarry.agent.schedule;

import java.util.Optional;

/**
 * What one run's steps leave in a durable journal, so a run interrupted by a crash or suspended at an
 * approval continues without running a finished step again. The scheduler consults it at three points of
 * every step's chain: before everything (a step that finished in an earlier process answers from the
 * journal), at the approval gate (decisions given later, calls in doubt) and just before the tool runs.
 * {@link #NONE} keeps nothing.
 */
public interface StepJournal {

    /** The journal of a run that keeps nothing. */
    StepJournal NONE = new StepJournal() {};

    /** The outcome an earlier process recorded for this step, if it finished. */
    default Optional<StepResult> finished(String stepId) {
        return Optional.empty();
    }

    /** Records a step's outcome, durably, before the run uses it. */
    default void finish(StepResult result) {}

    /** Whether an earlier process started this step's tool and recorded no outcome. */
    default boolean startedBefore(String stepId) {
        return false;
    }

    /** Records that the step's tool is about to run, durably; may wait until the step's plan is recorded. */
    default void start(StepInterceptor.StepCall call) throws InterruptedException {}

    /** A decision recorded for this step and not yet acted on (given later, or before a crash). */
    default Optional<ApprovalHandler.Decision> decision(String stepId) {
        return Optional.empty();
    }

    /** Records a decision, durably, so a restart does not ask again. */
    default void decided(ApprovalHandler.Request request, ApprovalHandler.Decision decision) {}

    /** Whether the run can end waiting for approval (it has a journal to continue from). */
    default boolean canSuspend() {
        return false;
    }
}
