package dev.quarry.agent.tool;

import dev.langchain4j.model.chat.ChatModel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;

/**
 * What a running tool call may know and use: which run and step it belongs to, the run's model (for tools
 * that summarise or rewrite; its calls count against the run's limits and are retried, traced and
 * accounted like the planner's), and a way to fan work out in parallel inside the run's lifetime.
 */
public interface ToolContext {

    /** Identifier of the agent run. */
    String runId();

    /** Identifier of the step this call executes. */
    String stepId();

    /** The model the agent runs on, through the run's model chain, when the run has one. */
    Optional<ChatModel> model();

    /**
     * Runs the tasks concurrently on virtual threads owned by the run (cancelled with it) and returns their
     * results in task order. Fails with the first task's exception after cancelling the others.
     */
    <T> List<T> parallel(List<? extends Callable<T>> tasks) throws Exception;

    /**
     * The context of step {@code stepId} of run {@code runId}: its model comes from {@code models}, its
     * parallel tasks run on {@code executor} (which the run shuts down when it ends).
     */
    static ToolContext of(String runId, String stepId, ToolModels models, ExecutorService executor) {
        return new RunToolContext(runId, stepId, models, executor);
    }
}
