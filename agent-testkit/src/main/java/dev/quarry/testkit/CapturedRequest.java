package dev.quarry.testkit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request the simulator received, as the SDK sent it.
 *
 * @param modelId the model id from the path (URL-decoded)
 * @param streaming whether it was ConverseStream
 * @param body the JSON body: messages, system, toolConfig, inferenceConfig, ...
 * @param answeredWith the fault it was answered with, or null for a scripted turn
 */
public record CapturedRequest(String modelId, boolean streaming, JsonNode body, Fault answeredWith) {

    /** The request's messages array. */
    public JsonNode messages() {
        return body.path("messages");
    }

    /** Tool names in the request's toolConfig, in order. */
    public java.util.List<String> toolNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        body.path("toolConfig").path("tools").forEach(t -> {
            if (t.has("toolSpec")) {
                names.add(t.path("toolSpec").path("name").asText());
            }
        });
        return names;
    }
}
