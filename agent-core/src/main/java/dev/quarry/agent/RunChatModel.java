package dev.quarry.agent;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * The model a run lends a tool: each call goes through the run's model chain, so it counts against the
 * run's limits and budget, is retried, traced and accounted, and cannot outlive the deadline.
 */
final class RunChatModel implements ChatModel {

    private final RunModelCalls calls;
    private final String stepId;

    RunChatModel(RunModelCalls calls, String stepId) {
        this.calls = calls;
        this.stepId = stepId;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return calls.toolCall(stepId, request).response();
    }
}
