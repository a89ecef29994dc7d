package com.example;

import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.Agent;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;

/** The consumer's agent: Claude on Bedrock in production, any ChatModel in tests. */
public final class Assistant {

    private Assistant() {}

    /** The agent over the order tools with {@code model}. */
    public static Agent withModel(ChatModel model) {
        return Agent.builder().model(model).toolsFrom(new OrderTools()).build();
    }

    /** The agent with Claude on Amazon Bedrock, answers streamed; close {@code claude} when done. */
    public static Agent onBedrock(ClaudeOnBedrock claude) {
        return Agent.builder()
                .model(claude.chatModel())
                .streamingModel(claude.streamingChatModel())
                .toolsFrom(new OrderTools())
                .build();
    }
}
