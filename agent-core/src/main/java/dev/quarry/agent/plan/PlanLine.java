package dev.quarry.agent.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One parsed line of a graph plan: a step, the answer template, or a line that could not be read.
 */
sealed interface PlanLine {

    /** {@code {"id": 1, "tool": "search", "args": {...}, "after": [..]}}; dependencies include references. */
    record StepLine(String id, String tool, ObjectNode args, List<String> dependsOn) implements PlanLine {}

    /** {@code {"answer": "... $3 ..."}}: the final answer, filled in from step results. */
    record AnswerLine(String template) implements PlanLine {}

    /** A line that is not a valid step or answer, with the reason. */
    record Invalid(String line, String reason) implements PlanLine {}
}
