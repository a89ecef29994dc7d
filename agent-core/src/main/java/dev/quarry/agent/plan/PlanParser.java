package dev.quarry.agent.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.schedule.References;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a graph plan written one JSON object per line. Fed text incrementally (as a model streams it), it
 * returns each line as soon as the line is complete, so its step can be dispatched at once.
 */
final class PlanParser {

    private final StringBuilder pending = new StringBuilder();

    /** Adds streamed text; returns the lines it completed. */
    List<PlanLine> feed(String text) {
        pending.append(text);
        List<PlanLine> lines = new ArrayList<>();
        int newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
            String line = pending.substring(0, newline);
            pending.delete(0, newline + 1);
            parse(line).ifPresent(lines::add);
        }
        return lines;
    }

    /** Ends the text; returns the last line if it was not terminated. */
    List<PlanLine> finish() {
        String rest = pending.toString();
        pending.setLength(0);
        return parse(rest).map(List::of).orElse(List.of());
    }

    static Optional<PlanLine> parse(String raw) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("```")) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = ToolCalls.JSON.readTree(line);
        } catch (Exception e) {
            return Optional.of(new PlanLine.Invalid(line, "not a JSON object"));
        }
        if (node == null || !node.isObject()) {
            return Optional.of(new PlanLine.Invalid(line, "not a JSON object"));
        }
        if (node.has("answer")) {
            return Optional.of(new PlanLine.AnswerLine(node.get("answer").asText()));
        }
        JsonNode id = node.get("id");
        JsonNode tool = node.get("tool");
        if (id == null
                || !(id.isIntegralNumber() || id.isTextual())
                || id.asText().isBlank()) {
            return Optional.of(new PlanLine.Invalid(line, "a step needs an \"id\" (a number)"));
        }
        if (!id.asText().matches("[A-Za-z0-9_-]+")) {
            return Optional.of(new PlanLine.Invalid(line, "step ids may use only letters, digits, '_' and '-'"));
        }
        if (tool == null || !tool.isTextual()) {
            return Optional.of(new PlanLine.Invalid(line, "a step needs a \"tool\" name"));
        }
        JsonNode args = node.get("args");
        if (args != null && !args.isObject()) {
            return Optional.of(new PlanLine.Invalid(line, "\"args\" must be a JSON object"));
        }
        ObjectNode arguments = args == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) args;
        Set<String> dependsOn = new LinkedHashSet<>(References.in(arguments));
        JsonNode after = node.get("after");
        if (after != null) {
            if (!after.isArray()) {
                return Optional.of(new PlanLine.Invalid(line, "\"after\" must be an array of step ids"));
            }
            after.forEach(a -> dependsOn.add(a.asText()));
        }
        return Optional.of(new PlanLine.StepLine(id.asText(), tool.asText(), arguments, List.copyOf(dependsOn)));
    }
}
