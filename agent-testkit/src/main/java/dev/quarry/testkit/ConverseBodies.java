package dev.quarry.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the parts of a Bedrock Converse request body that a {@link BedrockSimulator} script decides by: the
 * system text, the first user text, the tools offered and the tool results sent back so far.
 */
public final class ConverseBodies {

    private ConverseBodies() {}

    /** The system blocks' text, joined. */
    public static String systemText(JsonNode body) {
        StringBuilder text = new StringBuilder();
        body.path("system").forEach(block -> text.append(block.path("text").asText()));
        return text.toString();
    }

    /** The first text block of the first user message, or empty. */
    public static String firstUserText(JsonNode body) {
        for (JsonNode message : body.path("messages")) {
            if ("user".equals(message.path("role").asText())) {
                for (JsonNode block : message.path("content")) {
                    if (block.has("text")) {
                        return block.path("text").asText();
                    }
                }
            }
        }
        return "";
    }

    /** Every tool result in the request, by tool-use id, in the order they appear; each result's text joined. */
    public static Map<String, String> toolResults(JsonNode body) {
        Map<String, String> results = new LinkedHashMap<>();
        for (JsonNode message : body.path("messages")) {
            for (JsonNode block : message.path("content")) {
                JsonNode result = block.path("toolResult");
                if (!result.isMissingNode()) {
                    StringBuilder text = new StringBuilder();
                    result.path("content")
                            .forEach(part -> text.append(part.path("text").asText()));
                    results.put(result.path("toolUseId").asText(), text.toString());
                }
            }
        }
        return results;
    }

    /** The names of the tools the request offers (its {@code toolConfig}), in order. */
    public static java.util.List<String> toolNames(JsonNode body) {
        java.util.List<String> names = new java.util.ArrayList<>();
        body.path("toolConfig").path("tools").forEach(t -> {
            if (t.has("toolSpec")) {
                names.add(t.path("toolSpec").path("name").asText());
            }
        });
        return names;
    }

    /** How many assistant messages the request carries: which model call of its conversation it is. */
    public static int assistantTurns(JsonNode body) {
        int turns = 0;
        for (JsonNode message : body.path("messages")) {
            if ("assistant".equals(message.path("role").asText())) {
                turns++;
            }
        }
        return turns;
    }
}
