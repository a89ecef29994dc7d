package dev.quarry.offline;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/**
 * The {@link OfflineModel} as a streaming model: the same replies, streamed on a virtual thread as text
 * pieces (one line at a time, so graph plans dispatch line by line) and complete tool calls.
 */
public final class OfflineStreamingModel implements StreamingChatModel {

    private final OfflineModel model = new OfflineModel();

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Thread.ofVirtual().name("offline-stream").start(() -> {
            try {
                ChatResponse response = model.doChat(request);
                AiMessage message = response.aiMessage();
                if (message.text() != null) {
                    message.text().lines().forEach(line -> handler.onPartialResponse(line + "\n"));
                }
                if (message.hasToolExecutionRequests()) {
                    for (int i = 0; i < message.toolExecutionRequests().size(); i++) {
                        handler.onCompleteToolCall(new CompleteToolCall(
                                i, message.toolExecutionRequests().get(i)));
                    }
                }
                handler.onCompleteResponse(response);
            } catch (RuntimeException e) {
                handler.onError(e);
            }
        });
    }
}
