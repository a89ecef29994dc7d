package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Opt-in speculative look-ups: read-only tool calls predicted from the task, started with the run, before
 * the model has asked for anything. When the model (or its plan) then asks for the same call, same tool
 * and equal arguments, it gets the speculative call's result, finished or still running, instead of a new
 * call. Off unless given to {@link Agent.Builder#speculate}.
 *
 * <p>What it promises:
 *
 * <ul>
 *   <li><b>Nothing is shown to the model that it did not ask for.</b> A prediction nobody asks for is
 *       wasted work, never context (unlike {@link Prefetch}, whose result is offered).
 *   <li><b>It never waits and never makes a call wait at its start:</b> a speculative call starts only on a
 *       free concurrency permit (global and per tool) and is not run otherwise. While it runs it holds its
 *       permit like any call, so under a saturated limit a later call may wait for it.
 *   <li><b>Only read-only tools</b> (not {@code sideEffecting}); the agent refuses to build otherwise, and
 *       needs step deduplication, which is on by default.
 *   <li><b>Counted:</b> {@link AgentResult#speculation()} says how many calls were predicted, how many were
 *       used and how many found no free permit. A speculative call that failed or was not run answers no
 *       one: the call that asked runs itself. Its steps are in the result (ids {@value #STEP_PREFIX}1, ...);
 *       their citations count only through the calls that used them.
 *   <li>At most {@link #MAX_CALLS} predictions a run are started; the rest are dropped.
 * </ul>
 *
 * <pre>{@code
 * Agent.builder().speculate(Speculation.withArgument("search", "query", task -> myPredictor.queries(task)))
 * }</pre>
 */
public final class Speculation implements AgentPlugin {

    /** Prefix of the ids of speculative steps. */
    public static final String STEP_PREFIX = "speculative-";

    /** Most speculative calls started in one run. */
    public static final int MAX_CALLS = 16;

    private final Predictions predictions;

    private Speculation(Predictions predictions) {
        this.predictions = predictions;
    }

    /** Calls {@code toolName} once with each argument object {@code predictedArguments} makes of the task. */
    public static Speculation of(String toolName, Function<String, List<ObjectNode>> predictedArguments) {
        return new Speculation(new Predictions("speculation", toolName, predictedArguments));
    }

    /** Calls {@code toolName} with each predicted value as its one string argument {@code parameter}. */
    public static Speculation withArgument(
            String toolName, String parameter, Function<String, List<String>> predictedValues) {
        return new Speculation(Predictions.ofArgument("speculation", toolName, parameter, predictedValues));
    }

    /** The tool it calls. */
    public String toolName() {
        return predictions.toolName();
    }

    /** The tool must be registered and read-only, and the scheduler must deduplicate calls. */
    @Override
    public List<String> problems(ToolRegistry tools, StepScheduler scheduler) {
        List<String> problems = new ArrayList<>(predictions.problems(tools, "speculate only with read-only tools"));
        if (!scheduler.deduplicates()) {
            problems.add("speculation needs step deduplication, which serves the model's calls from the"
                    + " speculative ones: remove deduplicate(false) or the speculation");
        }
        return problems;
    }

    /** The speculative steps of a run whose tools include the predicted one. */
    @Override
    public Optional<RunPart> startRun(RunStart run) {
        return run.tools().find(toolName()).isPresent()
                ? Optional.of(new RunSpeculation(this, run.task(), run::uniqueStepId))
                : Optional.empty();
    }

    /** The distinct predictions for a task, at most {@link #MAX_CALLS}. */
    List<ObjectNode> predictionsFor(String task) {
        return predictions.forTask(task, MAX_CALLS);
    }

    /**
     * What a run's speculation came to.
     *
     * @param predicted speculative calls the run started
     * @param used of those, the ones the model or its plan then asked for
     * @param notRun of those, the ones that found no free concurrency permit and did not run
     */
    public record Outcome(int predicted, int used, int notRun) {

        /** A run without speculation. */
        public static final Outcome NONE = new Outcome(0, 0, 0);

        /** Predictions nobody asked for: work spent for nothing. */
        public int wasted() {
            return predicted - used;
        }
    }
}
