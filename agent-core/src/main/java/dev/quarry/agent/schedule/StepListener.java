package dev.quarry.agent.schedule;

/** Observes steps starting and ending (tracing, metrics, progress). Called on step threads; keep it quick. */
public interface StepListener {

    /** The step's dependencies are done and it is about to run (or be refused, skipped, ...). */
    default void onStart(String runId, Step step) {}

    /** The step ended; {@code result} says how. */
    default void onFinish(String runId, Step step, StepResult result) {}
}
