package dev.quarry.agent.tool;

import java.util.List;
import java.util.Objects;

/**
 * What a tool call produced: the text the model reads, the citations it rests on, and whether it is an
 * error report.
 *
 * @param text what the model sees
 * @param citations sources backing the text; collected into the run's answer
 * @param error whether this result reports a failure
 */
public record ToolResult(String text, List<Citation> citations, boolean error) {

    public ToolResult {
        Objects.requireNonNull(text, "text");
        citations = List.copyOf(citations);
    }

    /** A result with text for the model and no citations. */
    public static ToolResult of(String text) {
        return new ToolResult(text, List.of(), false);
    }

    /** A result with text for the model and the citations it rests on. */
    public static ToolResult of(String text, List<Citation> citations) {
        return new ToolResult(text, citations, false);
    }

    /** A failed call's message for the model; the step ends as failed and the model can recover. */
    public static ToolResult error(String message) {
        return new ToolResult(message, List.of(), true);
    }
}
