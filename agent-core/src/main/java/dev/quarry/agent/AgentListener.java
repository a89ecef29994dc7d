package dev.quarry.agent;

import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.guard.GuardrailCheck;
import dev.quarry.agent.model.Usage;
import dev.quarry.agent.schedule.StepListener;

/**
 * Observes runs: their start and end, each model call, and (inherited) each step. Called on the run's
 * threads; keep it quick and never throw.
 */
public interface AgentListener extends StepListener {

    /** A run started on {@code task}. */
    default void onRunStart(String runId, String task) {}

    /** A model call of the run ended, with its token usage. */
    default void onModelCall(String runId, Usage.Call call) {}

    /** The model call {@code plannedBy} (an id such as {@code model-1}) planned this step. */
    default void onStepPlanned(String runId, dev.quarry.agent.schedule.Step step, String plannedBy) {}

    /** A guardrail gave its verdict (pass, block, correct, replace, or error when its check threw). */
    default void onGuardrail(String runId, GuardrailCheck check) {}

    /** The run answered. */
    default void onRunEnd(String runId, AgentResult result) {}

    /** The run ended with {@code error}, which carries its partial result. */
    default void onRunFailed(String runId, QuarryException error) {}
}
