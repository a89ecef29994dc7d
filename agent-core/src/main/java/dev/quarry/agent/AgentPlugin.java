package dev.quarry.agent;

import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.List;
import java.util.Objects;
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

    /** Tools the plugin brings to the agent (a tool-search tool, for one); names must not clash with the agent's. */
    default List<Tool> tools() {
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

        /**
         * The tools the planner is shown for its next call, from the run's {@code tools}: all of them unless the
         * part narrows them (tool search shows those found so far). Asked before every planner call.
         */
        default ToolRegistry visibleTools(ToolRegistry tools) {
            return tools;
        }

        /**
         * An interceptor around each tool call of the run, after the agent's own step interceptors (so it sees
         * each distinct, approved call once) and before truncation, retry and the timeout.
         */
        default Optional<StepInterceptor> stepInterceptor() {
            return Optional.empty();
        }

        /**
         * Told the results of each round of steps once the planner has them; may end the run by throwing a
         * {@link dev.quarry.agent.error.QuarryException} (a guardrail that blocked a step does).
         */
        default void afterSteps(List<StepResult> results) {}

        /**
         * Looks at the run's answer before the run returns it: accept it (possibly changed), or send the model
         * a correction and let the run go on; throwing a {@link dev.quarry.agent.error.QuarryException} ends
         * the run.
         */
        default AnswerReview reviewAnswer(String answer) {
            return AnswerReview.accept(answer);
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

    /**
     * What a {@link RunPart} made of an answer: accepted as {@code answer}, or to be written again after the
     * model reads {@code correction}.
     *
     * @param answer the answer to go on with (empty when a correction is asked for)
     * @param correction what the model is told, empty when the answer is accepted
     */
    record AnswerReview(String answer, String correction) {
        public AnswerReview {
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(correction, "correction");
        }

        /** The answer goes on as {@code answer}. */
        public static AnswerReview accept(String answer) {
            return new AnswerReview(answer, "");
        }

        /** The model reads {@code correction} and answers again. */
        public static AnswerReview correct(String correction) {
            if (correction == null || correction.isBlank()) {
                throw new IllegalArgumentException("a correction needs a message for the model");
            }
            return new AnswerReview("", correction);
        }

        /** Whether the answer was accepted. */
        public boolean accepted() {
            return correction.isEmpty();
        }
    }
}
