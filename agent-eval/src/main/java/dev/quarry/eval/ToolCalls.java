package dev.quarry.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.trace.Span;
import java.util.Comparator;
import java.util.List;

/** The tool calls a run made, in the order they started, read from its trace. */
final class ToolCalls {

    /**
     * A call made.
     *
     * @param tool the tool
     * @param arguments its arguments (as the trace keeps them: a JSON object, or the excerpt's text when the
     *     trace cut a long one short)
     */
    record Call(String tool, JsonNode arguments) {
        String describe() {
            return tool + arguments;
        }
    }

    private ToolCalls() {}

    static List<Call> of(AgentResult result) {
        return result.trace().spans().stream()
                .filter(span -> span.kind() == Span.Kind.STEP)
                .sorted(Comparator.comparingLong(Span::startNanos))
                .map(span -> new Call(span.name(), arguments(span)))
                .toList();
    }

    private static JsonNode arguments(Span span) {
        String text = String.valueOf(span.attributes().getOrDefault("arguments", "{}"));
        try {
            return EvalDataset.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }
}
