package dev.quarry.agent;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.StreamSink;

/**
 * The model a run lends a tool: each call goes through the run's model chain, so it counts against the
 * run's limits and budget, is retried, traced and accounted, and cannot outlive the deadline.
 */
final class RunChatModel implements ChatModel {

    private final AgentRun run;
    private final String stepId;

    RunChatModel(AgentRun run, String stepId) {
        this.run = run;
        this.stepId = stepId;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return run.call(ModelCall.toolPurpose(stepId), request, false, id -> StreamSink.NONE)
                .response();
    }
}
