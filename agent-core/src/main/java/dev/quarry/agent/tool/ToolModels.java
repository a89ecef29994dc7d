package dev.quarry.agent.tool;

import dev.langchain4j.model.chat.ChatModel;
import java.util.Optional;

/**
 * The model a run lends its tools, through {@link ToolContext#model()}. An agent's run hands out a model
 * whose every call goes through the run's model chain (limits, retry, deadline, usage, trace), so a tool
 * that calls the model is accounted like the planner.
 */
@FunctionalInterface
public interface ToolModels {

    /** No model for tools. */
    ToolModels NONE = stepId -> Optional.empty();

    /** The model for the tool call of step {@code stepId}, if the run has one. */
    Optional<ChatModel> forStep(String stepId);
}
