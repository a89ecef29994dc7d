package dev.quarry.agent.bedrock;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.model.bedrock.BedrockSystemMessage;
import dev.langchain4j.model.bedrock.BedrockSystemTextContent;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a Bedrock prompt-cache point right after a request's first system message. Quarry's planners keep
 * that message the same for every call of an agent (the agent's system prompt, and for the graph planner
 * the tool descriptions), so the plan call, the join call and the next runs all read it from the cache.
 * A request without a system message is sent unchanged, as is one whose first system message already is a
 * {@link BedrockSystemMessage} (the caller placed its own cache points).
 */
final class SharedPrefixCaching {

    private SharedPrefixCaching() {}

    static ChatRequest withCachePoint(ChatRequest request) {
        List<ChatMessage> messages = new ArrayList<>(request.messages());
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof SystemMessage system) {
                messages.set(
                        i, BedrockSystemMessage.from(List.of(BedrockSystemTextContent.withCachePoint(system.text()))));
                return request.toBuilder().messages(messages).build();
            }
            if (messages.get(i) instanceof BedrockSystemMessage) {
                return request;
            }
        }
        return request;
    }

    /** The blocking model with the cache point added. */
    record Blocking(ChatModel delegate) implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            return delegate.chat(withCachePoint(request));
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return delegate.defaultRequestParameters();
        }
    }

    /** The streaming model with the cache point added. */
    record Streaming(StreamingChatModel delegate) implements StreamingChatModel {
        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            delegate.chat(withCachePoint(request), handler);
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return delegate.defaultRequestParameters();
        }
    }
}
