package dev.quarry.testkit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request the simulator received, as the SDK sent it.
 *
 * @param modelId the model id from the path (URL-decoded)
 * @param streaming whether it was ConverseStream
 * @param body the JSON body: messages, system, toolConfig, inferenceConfig, ...
 * @param answeredWith the fault it was answered with, or null for a scripted turn
 * @param receivedNanos {@link System#nanoTime()} when the simulator received it
 * @param inputTokens input tokens charged for it (see {@link BedrockSimulator#inputTokens})
 * @param outputTokens output tokens of the reply, thinking included; 0 for a fault
 * @param latency how long the reply took by the latency profile (the model's own time, without HTTP)
 * @param cacheReadTokens input tokens read from the simulated prompt cache (no processing time)
 * @param cacheWriteTokens input tokens this request wrote to the prompt cache
 */
public record CapturedRequest(
        String modelId,
        boolean streaming,
        JsonNode body,
        Fault answeredWith,
        long receivedNanos,
        int inputTokens,
        int outputTokens,
        java.time.Duration latency,
        int cacheReadTokens,
        int cacheWriteTokens) {

    /** The request's messages array. */
    public JsonNode messages() {
        return body.path("messages");
    }

    /** Tool names in the request's toolConfig, in order. */
    public java.util.List<String> toolNames() {
        return ConverseBodies.toolNames(body);
    }
}
