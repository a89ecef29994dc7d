package dev.quarry.agent.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.util.Optional;

/** Parses the JSON arguments a model wrote for a tool call. */
final class ToolCalls {

    static final ObjectMapper JSON = new ObjectMapper();

    private ToolCalls() {}

    /** The arguments as an object; empty arguments are {@code {}}; anything else that is not an object is empty. */
    static Optional<ObjectNode> arguments(ToolExecutionRequest request) {
        String raw = request.arguments();
        if (raw == null || raw.isBlank()) {
            return Optional.of(JsonNodeFactory.instance.objectNode());
        }
        try {
            JsonNode node = JSON.readTree(raw);
            return node != null && node.isObject() ? Optional.of((ObjectNode) node) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
