package dev.quarry.agent.bedrock;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.bedrock.BedrockTokenUsage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.model.CacheTokenUsage;

/**
 * Wraps the Bedrock models so a failure that needs the user's action says which action: missing
 * credentials, access denied, a model that is not enabled, an invalid request. Retriable failures pass
 * through unchanged, so the agent's retry policy still sees them. Bedrock's token usage is reported as a
 * {@link CacheTokenUsage}, so the agent counts prompt-cache reads and writes.
 */
final class ExplainedErrors {

    private ExplainedErrors() {}

    /** The response with Bedrock's cache token counts in agent-core's {@link CacheTokenUsage}. */
    static ChatResponse withCacheUsage(ChatResponse response) {
        if (!(response.tokenUsage() instanceof BedrockTokenUsage bedrock)) {
            return response;
        }
        CacheTokenUsage usage = new CacheTokenUsage(
                bedrock.inputTokenCount(),
                bedrock.outputTokenCount(),
                bedrock.cacheReadInputTokens() == null ? 0 : bedrock.cacheReadInputTokens(),
                bedrock.cacheWriteInputTokens() == null ? 0 : bedrock.cacheWriteInputTokens());
        return ChatResponse.builder()
                .aiMessage(response.aiMessage())
                .metadata(response.metadata().toBuilder().tokenUsage(usage).build())
                .build();
    }

    static RuntimeException explain(RuntimeException error, String modelId, String region) {
        String message = String.valueOf(error.getMessage());
        if (message.contains("Unable to load credentials")
                || message.contains("Unable to load an HTTP") && message.contains("credentials")) {
            return new ConfigurationException(
                    "no AWS credentials found for Bedrock: set AWS_ACCESS_KEY_ID and "
                            + "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run on a role; see docs/bedrock.md",
                    error);
        }
        if (message.contains("AccessDeniedException") || error instanceof AuthenticationException) {
            return new ConfigurationException(
                    "access denied calling " + modelId + " in " + region
                            + ": the IAM identity needs bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on it,"
                            + " and model access must be enabled for the account in this region",
                    error);
        }
        if (error instanceof ModelNotFoundException || message.contains("ResourceNotFoundException")) {
            return new ConfigurationException(
                    "model " + modelId + " is not available in " + region
                            + ": check the id, use an inference profile id (us./eu./apac.), or enable the model",
                    error);
        }
        if (error instanceof InvalidRequestException || message.contains("ValidationException")) {
            return new ConfigurationException("Bedrock rejected the request to " + modelId + ": " + message, error);
        }
        return error;
    }

    /** The blocking model with explained errors. */
    record Blocking(ChatModel delegate, String modelId, String region) implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            try {
                return withCacheUsage(delegate.chat(request));
            } catch (RuntimeException e) {
                throw explain(e, modelId, region);
            }
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return delegate.defaultRequestParameters();
        }
    }

    /** The streaming model with explained errors. */
    record Streaming(StreamingChatModel delegate, String modelId, String region) implements StreamingChatModel {
        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            try {
                delegate.chat(request, new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String text) {
                        handler.onPartialResponse(text);
                    }

                    @Override
                    public void onCompleteToolCall(dev.langchain4j.model.chat.response.CompleteToolCall call) {
                        handler.onCompleteToolCall(call);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        handler.onCompleteResponse(withCacheUsage(response));
                    }

                    @Override
                    public void onError(Throwable error) {
                        handler.onError(error instanceof RuntimeException r ? explain(r, modelId, region) : error);
                    }
                });
            } catch (RuntimeException e) {
                handler.onError(explain(e, modelId, region));
            }
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return delegate.defaultRequestParameters();
        }
    }
}
