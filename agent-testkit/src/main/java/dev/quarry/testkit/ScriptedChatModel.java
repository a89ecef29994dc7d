package dev.quarry.testkit;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A langchain4j {@link ChatModel} whose replies come from a script: a function of the request, or a fixed
 * sequence of turns. Every request is recorded, so a test can assert what the agent sent. For testing
 * agents without a network; for the real wire path use {@link BedrockSimulator}.
 */
public final class ScriptedChatModel implements ChatModel {

    private final Function<ChatRequest, AiMessage> script;
    private final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());

    private ScriptedChatModel(Function<ChatRequest, AiMessage> script) {
        this.script = Objects.requireNonNull(script, "script");
    }

    /** Replies with whatever {@code script} returns for each request. */
    public static ScriptedChatModel replying(Function<ChatRequest, AiMessage> script) {
        return new ScriptedChatModel(script);
    }

    /** Replies with the given turns in order; a request after the last one fails the test clearly. */
    public static ScriptedChatModel turns(AiMessage... turns) {
        List<AiMessage> queue = List.of(turns);
        int[] next = {0};
        return new ScriptedChatModel(request -> {
            synchronized (next) {
                if (next[0] >= queue.size()) {
                    throw new IllegalStateException(
                            "the script has only " + queue.size() + " turns; got request " + (next[0] + 1));
                }
                return queue.get(next[0]++);
            }
        });
    }

    /** An assistant turn that calls tools: {@code call("id", "tool", "{json}")} for each. */
    public static AiMessage toolCalls(ToolExecutionRequest... calls) {
        return AiMessage.from(List.of(calls));
    }

    /** One tool call for {@link #toolCalls}. */
    public static ToolExecutionRequest call(String id, String tool, String argumentsJson) {
        return ToolExecutionRequest.builder()
                .id(id)
                .name(tool)
                .arguments(argumentsJson)
                .build();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        requests.add(request);
        AiMessage reply = script.apply(request);
        return ChatResponse.builder()
                .aiMessage(reply)
                .finishReason(reply.hasToolExecutionRequests() ? FinishReason.TOOL_EXECUTION : FinishReason.STOP)
                .tokenUsage(new TokenUsage(estimateTokens(request), estimateTokens(reply)))
                .build();
    }

    /** Every request received, in order. */
    public List<ChatRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    static int estimateTokens(Object value) {
        return Math.max(1, value.toString().length() / 4);
    }
}
