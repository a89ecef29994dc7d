package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one-turn route for tasks whose look-ups are predictable: the read-only calls a predictor makes of the
 * task run first, all at once, and the run's first model call sees their results, so the model can answer
 * in that one turn. When a prediction was wrong or something is missing, the model asks for more tools and
 * the run goes on as usual.
 *
 * <ul>
 *   <li><b>It waits</b>: the first model call starts when every prediction has ended (never past the run's
 *       deadline). A task whose look-ups are mostly predicted right saves a whole model turn; a wrong
 *       prediction costs its tool call and the input tokens of its result in every model call of the run.
 *   <li><b>Where the results go</b>: appended to the task's message of every planner call, under the heading
 *       {@value #CONTEXT_HEADING}, each with its tool and arguments; the system message is left alone, so a
 *       prompt cache keeps it. A failed prediction is left out.
 *   <li><b>Citations</b> of a prediction count only when the answer names them. Its steps are in the result
 *       (ids {@value #STEP_PREFIX}1, ...).
 *   <li>Only read-only tools; at most {@link #MAX_CALLS} predictions a run.
 * </ul>
 *
 * Unlike {@link Speculation}, which never shows the model anything it did not ask for, this shows the
 * predictions; unlike {@link Prefetch}, it waits for them. See {@code docs/agent-core.md} for the measured
 * cost and gain.
 *
 * <pre>{@code
 * Agent.builder().plugin(LookAhead.withArgument("search", "query", OfflineModel::subQuestions))
 * }</pre>
 */
public final class LookAhead implements AgentPlugin {

    /** Heading of the predicted results in the task's message. */
    public static final String CONTEXT_HEADING = "Looked up before you were asked";

    /** Prefix of the ids of the predicted steps. */
    public static final String STEP_PREFIX = "lookahead-";

    /** Most predicted calls run in one run. */
    public static final int MAX_CALLS = 16;

    private final Predictions predictions;

    private LookAhead(Predictions predictions) {
        this.predictions = predictions;
    }

    /** Calls {@code toolName} once with each argument object {@code predictedArguments} makes of the task. */
    public static LookAhead of(String toolName, Function<String, List<ObjectNode>> predictedArguments) {
        return new LookAhead(new Predictions("look-ahead", toolName, predictedArguments));
    }

    /** Calls {@code toolName} with each predicted value as its one string argument {@code parameter}. */
    public static LookAhead withArgument(
            String toolName, String parameter, Function<String, List<String>> predictedValues) {
        return new LookAhead(Predictions.ofArgument("look-ahead", toolName, parameter, predictedValues));
    }

    /** The tool it calls. */
    public String toolName() {
        return predictions.toolName();
    }

    /** The tool must be registered and read-only. */
    @Override
    public List<String> problems(ToolRegistry tools, StepScheduler scheduler) {
        return predictions.problems(tools, "look ahead only with read-only tools");
    }

    /** The predicted steps of a run whose tools include the tool. */
    @Override
    public Optional<RunPart> startRun(RunStart run) {
        if (run.tools().find(toolName()).isEmpty()) {
            return Optional.empty();
        }
        List<ObjectNode> predicted = predictions.forTask(run.task(), MAX_CALLS);
        return predicted.isEmpty()
                ? Optional.empty()
                : Optional.of(new RunLookAhead(toolName(), predicted, run::uniqueStepId));
    }
}
