package dev.quarry.agent.model;

import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.Objects;

/**
 * What a model call returned.
 *
 * @param chatResponse the model's response
 * @param attempts requests sent for it (more than 1 after retries, 0 when an interceptor answered)
 */
public record ModelResponse(ChatResponse chatResponse, int attempts) {

    public ModelResponse {
        Objects.requireNonNull(chatResponse, "chatResponse");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
        }
    }

    /** A response an interceptor made without calling the model (a cache hit). */
    public static ModelResponse answered(ChatResponse response) {
        return new ModelResponse(response, 0);
    }

    ModelResponse withAttempts(int count) {
        return new ModelResponse(chatResponse, count);
    }
}
