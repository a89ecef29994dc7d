package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.guard.GuardrailCheck;
import dev.quarry.agent.model.Usage;
import dev.quarry.agent.schedule.StepResult;
import java.time.Duration;

/**
 * What a streamed run ({@link Agent#stream}) publishes as it happens, in order: the run starting, steps
 * scheduled, started and finished, approvals asked for and decided, each model call with its usage, the
 * answer's text as the model writes it, and last exactly one of {@link Finished} or {@link Failed}.
 */
public sealed interface RunEvent {

    /** The run this event belongs to: a sub-agent's events carry the sub-agent's run id. */
    String runId();

    /**
     * Whether a sub-agent's run sent this event rather than the run the application started: a sub-agent's
     * run id is its parent's, a dot and the step id ({@link SubAgentRun#runId()}). Its {@link Text} is the
     * sub-agent's answer to its parent, not the answer to the application.
     */
    default boolean fromSubAgent() {
        return runId().indexOf('.') >= 0;
    }

    /** The run began. */
    record Started(String runId, String task) implements RunEvent {}

    /**
     * A piece of text the model is writing in a turn that may be the answer (a tool-use turn, a joiner
     * call); a turn that goes on to call tools has written its thoughts, not the answer. Plans are not
     * streamed as text. {@link Finished#result()} always holds the whole answer.
     */
    record Text(String runId, String modelCallId, String text) implements RunEvent {}

    /** The model planned a step; it starts when its dependencies are done. */
    record StepScheduled(String runId, String stepId, String tool, String plannedBy) implements RunEvent {}

    /** A step's dependencies are done and it is about to run. */
    record StepStarted(String runId, String stepId, String tool) implements RunEvent {}

    /** A step ended; the result says how. */
    record StepFinished(String runId, StepResult result, Duration duration) implements RunEvent {}

    /** A side-effecting call waits for the approval handler. */
    record ApprovalRequested(String runId, String stepId, String tool, ObjectNode arguments) implements RunEvent {}

    /** The approval handler decided. */
    record ApprovalDecided(String runId, String stepId, String tool, boolean approved, String reason)
            implements RunEvent {}

    /**
     * A step started a sub-agent: the sub-agent's own events follow, carrying {@code childRunId}.
     *
     * @param runId the parent run
     * @param stepId the parent's step that runs the sub-agent
     * @param agent the sub-agent's tool name
     * @param childRunId the sub-agent's run
     */
    record SubAgentStarted(String runId, String stepId, String agent, String childRunId) implements RunEvent {}

    /** A guardrail gave its verdict on the input, a tool call's arguments or result, or the answer. */
    record GuardrailChecked(String runId, GuardrailCheck check) implements RunEvent {}

    /** A model call finished. */
    record ModelCallFinished(String runId, Usage.Call usage) implements RunEvent {}

    /**
     * The run answered.
     *
     * @param droppedEvents events not delivered because the subscriber fell too far behind (0 normally)
     */
    record Finished(String runId, AgentResult result, long droppedEvents) implements RunEvent {}

    /** The run ended with an error; {@code error.partial(AgentResult.class)} holds what it had. */
    record Failed(String runId, QuarryException error, long droppedEvents) implements RunEvent {}
}
