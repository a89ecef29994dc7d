package dev.quarry.agent;

import dev.quarry.agent.model.Usage;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.trace.Trace;
import java.util.List;

/**
 * What a run produced and how.
 *
 * @param answer the model's final answer
 * @param citations sources from successful tool results, de-duplicated, in order of first use
 * @param steps every step of the run, in the order they were planned
 * @param usage tokens per model call and in total
 * @param trace timings of every model call and step
 */
public record AgentResult(String answer, List<Citation> citations, List<StepResult> steps, Usage usage, Trace trace) {

    public AgentResult {
        citations = List.copyOf(citations);
        steps = List.copyOf(steps);
    }
}
