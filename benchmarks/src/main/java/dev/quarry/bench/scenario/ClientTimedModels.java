package dev.quarry.bench.scenario;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Notes when each model call starts on the client, before the SDK serialises and sends it, so a model
 * call's interval on the critical path starts where the caller's wait starts, not where the simulator
 * received the request (client time before the request reaches the server is the caller's wait too). The
 * models are the real Bedrock clients; every call goes through to them unchanged.
 */
final class ClientTimedModels {

    /** One model call as the client started it: the task's first user text, and {@link System#nanoTime()}. */
    record ClientCall(String firstUserText, long startNanos) {}

    private final ConcurrentLinkedQueue<ClientCall> calls = new ConcurrentLinkedQueue<>();

    /** The calls started since the last time they were taken, and forgets them. */
    List<ClientCall> take() {
        List<ClientCall> taken = new ArrayList<>();
        for (ClientCall call = calls.poll(); call != null; call = calls.poll()) {
            taken.add(call);
        }
        return taken;
    }

    private void started(ChatRequest request) {
        calls.add(new ClientCall(firstUserText(request.messages()), System.nanoTime()));
    }

    private static String firstUserText(List<ChatMessage> messages) {
        for (ChatMessage message : messages) {
            if (message instanceof UserMessage user) {
                return user.hasSingleText()
                        ? user.singleText()
                        : user.contents().toString();
            }
        }
        return "";
    }

    /** The blocking model, timed. */
    ChatModel timed(ChatModel model) {
        return new ChatModel() {
            @Override
            public ChatResponse chat(ChatRequest request) {
                started(request);
                return model.chat(request);
            }

            @Override
            public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
                started(request);
                return model.chat(request, options);
            }

            @Override
            public ChatRequestParameters defaultRequestParameters() {
                return model.defaultRequestParameters();
            }

            @Override
            public ModelProvider provider() {
                return model.provider();
            }

            @Override
            public Set<Capability> supportedCapabilities() {
                return model.supportedCapabilities();
            }
        };
    }

    /** The streaming model, timed. */
    StreamingChatModel timed(StreamingChatModel model) {
        return new StreamingChatModel() {
            @Override
            public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
                started(request);
                model.chat(request, handler);
            }

            @Override
            public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
                started(request);
                model.chat(request, options, handler);
            }

            @Override
            public ChatRequestParameters defaultRequestParameters() {
                return model.defaultRequestParameters();
            }

            @Override
            public ModelProvider provider() {
                return model.provider();
            }

            @Override
            public Set<Capability> supportedCapabilities() {
                return model.supportedCapabilities();
            }
        };
    }
}
