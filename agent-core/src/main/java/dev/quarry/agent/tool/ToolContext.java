package dev.quarry.agent.tool;

import dev.langchain4j.model.chat.ChatModel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * What a running tool call may know and use: which run and step it belongs to, the run's model (for tools
 * that summarise or rewrite), and a way to fan work out in parallel inside the run's limits and lifetime.
 */
public interface ToolContext {

    /** Identifier of the agent run. */
    String runId();

    /** Identifier of the step this call executes. */
    String stepId();

    /** The model the agent runs on, when the tool needs one. */
    Optional<ChatModel> model();

    /**
     * Runs the tasks concurrently on virtual threads owned by the run (cancelled with it) and returns their
     * results in task order. Fails with the first task's exception after cancelling the others.
     */
    <T> List<T> parallel(List<? extends Callable<T>> tasks) throws Exception;
}
