package dev.quarry.agent;

import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A cross-cutting feature packaged for one builder call ({@link Agent.Builder#plugin}): the model
 * interceptors, step interceptors and listeners it needs, added in that order where each kind goes, and,
 * for a feature that keeps state per run, its {@linkplain #startRun part in each run}. OpenTelemetry tracing
 * is one ({@code quarry-agent-otel}); {@link Prefetch} and {@link Speculation} are others. A plugin adds to
 * the chains and listens; it never adds a branch to the run loop.
 */
public interface AgentPlugin {

    /** Interceptors around every model call, outermost first. */
    default List<ModelInterceptor> modelInterceptors() {
        return List.of();
    }

    /** Interceptors around every tool call, outermost first. */
    default List<StepInterceptor> stepInterceptors() {
        return List.of();
    }

    /** Listeners of runs, steps and approvals. */
    default List<AgentListener> listeners() {
        return List.of();
    }

    /**
     * What is wrong with this plugin on the agent being built (a tool it calls that is not registered, a
     * scheduler setting it cannot work without); {@link Agent.Builder#build} names every problem.
     */
    default List<String> problems(ToolRegistry tools, StepScheduler scheduler) {
        return List.of();
    }

    /** This plugin's part in one run, or empty when it takes none (say, its tool is not allowed in the run). */
    default Optional<RunPart> startRun(RunStart run) {
        return Optional.empty();
    }

    /** What a plugin may know of a run as it starts. */
    interface RunStart {
        /** The run's id. */
        String runId();

        /** The task. */
        String task();

        /** The tools this run may use (a per-run allowlist may have narrowed the agent's). */
        ToolRegistry tools();

        /** {@code wanted}, or {@code wanted-2}, ... when a step of the run already has it; reserved on return. */
        String uniqueStepId(String wanted);
    }

    /**
     * A plugin's part in one run. As a step listener it is told of every step of the run, before the
     * scheduler's own listeners and before the step's future completes.
     */
    interface RunPart extends StepListener {

        /**
         * Steps the run submits as it starts, before the first model call: the model did not plan them and
         * they do not count against {@link Limits#maxSteps()}; they are in the run's result.
         */
        default List<Step> steps() {
            return List.of();
        }

        /** Told the futures of {@link #steps()}, in order, once they are submitted. */
        default void submitted(List<CompletableFuture<StepResult>> futures) {}

        /** An interceptor around the run's model calls, after the journal and before the agent's own. */
        default Optional<ModelInterceptor> modelInterceptor() {
            return Optional.empty();
        }

        /** Whether a successful step's citation counts in the run's answer ({@code answer} empty when failed). */
        default boolean keepsCitation(StepResult step, Citation citation, String answer) {
            return true;
        }

        /** Called once the run has ended, before its result is made; may wait for a step of its own. */
        default void beforeResult() {}

        /** What the run's speculative look-ups came to, for {@link AgentResult#speculation()}. */
        default Speculation.Outcome speculation() {
            return Speculation.Outcome.NONE;
        }
    }
}
