package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Opt-in retrieval prefetch: one tool call made from the task itself, started with the run, so its result
 * may already be there when the model is called. Off unless given to {@link Agent.Builder#prefetch}.
 *
 * <p>What it promises:
 *
 * <ul>
 *   <li>It is never shown to the model as a call the model did not make. A model call that starts after the
 *       prefetch succeeded gets its result as context, appended to the request's system message under the
 *       heading {@value #CONTEXT_HEADING}; every later call of the run keeps it there.
 *   <li>It is never waited for: a model call that starts before it finished goes without it.
 *   <li>Its citations count among the answer's sources only when it was offered and the answer names them
 *       (a citation's label or document id appears in the answer).
 *   <li>It is a step of the run (id {@code prefetch}) and passes through the step chain like any other:
 *       approval, deduplication, timeout. A model call that asks for the same tool call is served by
 *       deduplication.
 * </ul>
 *
 * <pre>{@code
 * Agent.builder().prefetch(Prefetch.withArgument("search", "query"))
 * }</pre>
 */
public final class Prefetch implements AgentPlugin {

    /** Heading of the context a model call is given once the prefetch has succeeded. */
    public static final String CONTEXT_HEADING = "Retrieved for this task before planning";

    private final String toolName;
    private final Function<String, ObjectNode> argumentsFromTask;

    private Prefetch(String toolName, Function<String, ObjectNode> argumentsFromTask) {
        this.toolName = toolName;
        this.argumentsFromTask = argumentsFromTask;
    }

    /**
     * Calls {@code toolName} with the arguments {@code argumentsFromTask} makes of the task. A run whose
     * tools do not include it (an allowlist) runs without prefetch.
     */
    public static Prefetch of(String toolName, Function<String, ObjectNode> argumentsFromTask) {
        if (toolName == null || toolName.isBlank()) {
            throw new ConfigurationException("a prefetch needs the name of the tool to call");
        }
        return new Prefetch(toolName, Objects.requireNonNull(argumentsFromTask, "argumentsFromTask"));
    }

    /** Calls {@code toolName} with the task as its one string argument {@code parameter}. */
    public static Prefetch withArgument(String toolName, String parameter) {
        Objects.requireNonNull(parameter, "parameter");
        return of(toolName, task -> JsonNodeFactory.instance.objectNode().put(parameter, task));
    }

    /** The tool it calls. */
    public String toolName() {
        return toolName;
    }

    /** The tool must be registered. */
    @Override
    public List<String> problems(ToolRegistry tools, StepScheduler scheduler) {
        return tools.find(toolName).isPresent()
                ? List.of()
                : List.of(
                        "the prefetch calls tool '" + toolName + "', which is not registered; known: " + tools.names());
    }

    /** The prefetch step of a run whose tools include the prefetched one. */
    @Override
    public Optional<RunPart> startRun(RunStart run) {
        return run.tools().find(toolName).isPresent()
                ? Optional.of(new RunPrefetch(this, run.task(), run.uniqueStepId(RunPrefetch.STEP_ID)))
                : Optional.empty();
    }

    ObjectNode argumentsFor(String task) {
        return argumentsFromTask.apply(task);
    }
}
