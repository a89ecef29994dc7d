package dev.quarry.agent.schedule;

import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.ToolResult;
import java.util.List;

/**
 * How one step ended.
 *
 * @param stepId the step
 * @param tool the tool it called
 * @param status outcome
 * @param text the tool's output, or an explanation the model can act on
 * @param citations sources of a successful result
 * @param attempts calls made (0 when the tool never ran)
 * @param deduplicated whether the result was shared with an identical earlier call in the run
 */
public record StepResult(
        String stepId,
        String tool,
        StepStatus status,
        String text,
        List<Citation> citations,
        int attempts,
        boolean deduplicated) {

    public StepResult {
        citations = List.copyOf(citations);
    }

    /** The result of a tool call that ran (an interceptor answering from a cache may use it too). */
    public static StepResult of(Step step, ToolResult result, int attempts) {
        return new StepResult(
                step.id(),
                step.tool(),
                result.error() ? StepStatus.FAILED : StepStatus.SUCCEEDED,
                result.text(),
                result.citations(),
                attempts,
                false);
    }

    static StepResult failed(Step step, StepStatus status, String text, int attempts) {
        return new StepResult(step.id(), step.tool(), status, text, List.of(), attempts, false);
    }

    /** A step that ended without running its tool (bad arguments, unknown tool, refusal). */
    public static StepResult rejected(String stepId, String tool, StepStatus status, String explanation) {
        if (status.succeeded()) {
            throw new IllegalArgumentException("a rejected step cannot have status " + status);
        }
        return new StepResult(stepId, tool, status, explanation, List.of(), 0, false);
    }

    /** Whether the model should read this as an error. */
    public boolean isError() {
        return !status.succeeded();
    }

    StepResult withAttempts(int count) {
        return new StepResult(stepId, tool, status, text, citations, count, deduplicated);
    }

    StepResult sharedAs(String otherStepId) {
        return new StepResult(otherStepId, tool, status, text, citations, attempts, true);
    }
}
