package dev.quarry.testkit;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A langchain4j {@link StreamingChatModel} that streams scripted turns on its own thread: text in the
 * pieces given, then each tool call as a complete call, then the full response. Between pieces it runs the
 * script's {@link Piece#pause} hook, so a test can hold the stream open until something has happened (for
 * example, until a dispatched tool has started) without timing.
 */
public final class ScriptedStreamingChatModel implements StreamingChatModel {

    /** One piece of a streamed turn: text, or a complete tool call; {@code pause} runs before it is sent. */
    public record Piece(String text, ToolExecutionRequest toolCall, Runnable pause) {
        /** A piece of streamed answer text. */
        public static Piece text(String text) {
            return new Piece(text, null, () -> {});
        }

        /** A complete tool call, handed over as soon as it streams. */
        public static Piece toolCall(ToolExecutionRequest call) {
            return new Piece(null, call, () -> {});
        }

        /** This piece, sent only after {@code hook} returns. */
        public Piece after(Runnable hook) {
            return new Piece(text, toolCall, hook);
        }
    }

    private final Function<ChatRequest, List<Piece>> script;
    private final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());

    public ScriptedStreamingChatModel(Function<ChatRequest, List<Piece>> script) {
        this.script = Objects.requireNonNull(script, "script");
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        requests.add(request);
        List<Piece> pieces = script.apply(request);
        Thread.ofVirtual().name("scripted-stream").start(() -> {
            try {
                StringBuilder text = new StringBuilder();
                List<ToolExecutionRequest> calls = new ArrayList<>();
                for (Piece piece : pieces) {
                    piece.pause().run();
                    if (piece.text() != null) {
                        text.append(piece.text());
                        handler.onPartialResponse(piece.text());
                    } else {
                        handler.onCompleteToolCall(new CompleteToolCall(calls.size(), piece.toolCall()));
                        calls.add(piece.toolCall());
                    }
                }
                AiMessage message = calls.isEmpty()
                        ? AiMessage.from(text.toString())
                        : AiMessage.builder()
                                .text(text.isEmpty() ? null : text.toString())
                                .toolExecutionRequests(calls)
                                .build();
                handler.onCompleteResponse(ChatResponse.builder()
                        .aiMessage(message)
                        .finishReason(calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_EXECUTION)
                        .tokenUsage(new TokenUsage(
                                ScriptedChatModel.estimateTokens(request), ScriptedChatModel.estimateTokens(message)))
                        .build());
            } catch (RuntimeException e) {
                handler.onError(e);
            }
        });
    }

    /** Every request the model received, in order. */
    public List<ChatRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }
}
