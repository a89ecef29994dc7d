package dev.quarry.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.tool.ToolException;

/** Reading optional arguments with defaults and bounds, for the built-in tools. */
final class Schemas {

    private Schemas() {}

    static int intArg(ObjectNode arguments, String name, int fallback, int min, int max) throws ToolException {
        JsonNode node = arguments.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        int value = node.asInt();
        if (value < min || value > max) {
            throw new ToolException(name + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    static String text(ObjectNode arguments, String name, String fallback) {
        JsonNode node = arguments.get(name);
        return node == null || node.isNull() ? fallback : node.asText();
    }
}
