package dev.quarry.agent;

import dev.quarry.agent.model.Usage;
import dev.quarry.agent.schedule.ApprovalHandler;
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
 * @param waiting the side-effecting calls the run stopped at to wait for a person's decision (see
 *     {@link Agent#approve}); empty when it answered
 * @param speculation what the run's speculative look-ups came to ({@link Speculation}); {@code NONE} without
 * @param subAgents what each sub-agent step's child run did (its partial result when it failed), in the order
 *     they ended; their model calls are also in {@code usage}, their citations in {@code citations}
 */
public record AgentResult(
        String answer,
        List<Citation> citations,
        List<StepResult> steps,
        Usage usage,
        Trace trace,
        List<ApprovalHandler.Request> waiting,
        Speculation.Outcome speculation,
        List<SubAgentRun> subAgents) {

    /** Copies the lists. */
    public AgentResult {
        citations = List.copyOf(citations);
        steps = List.copyOf(steps);
        waiting = List.copyOf(waiting);
        speculation = speculation == null ? Speculation.Outcome.NONE : speculation;
        subAgents = List.copyOf(subAgents);
    }

    /** The result of a run without sub-agents. */
    public AgentResult(
            String answer,
            List<Citation> citations,
            List<StepResult> steps,
            Usage usage,
            Trace trace,
            List<ApprovalHandler.Request> waiting,
            Speculation.Outcome speculation) {
        this(answer, citations, steps, usage, trace, waiting, speculation, List.of());
    }

    /** The result of a run without speculation. */
    public AgentResult(
            String answer,
            List<Citation> citations,
            List<StepResult> steps,
            Usage usage,
            Trace trace,
            List<ApprovalHandler.Request> waiting) {
        this(answer, citations, steps, usage, trace, waiting, Speculation.Outcome.NONE);
    }

    /** The result of a run that answered, without speculation. */
    public AgentResult(String answer, List<Citation> citations, List<StepResult> steps, Usage usage, Trace trace) {
        this(answer, citations, steps, usage, trace, List.of());
    }

    /** The run's id, the key of its journal. */
    public String runId() {
        return trace.runId();
    }

    /**
     * The sub-agent that answered the user when the run {@linkplain SubAgent#handoff handed off} to one (its
     * tool name); empty when the run's own model answered.
     */
    public java.util.Optional<String> answeredBy() {
        return trace.answeredBy();
    }

    /** Whether the run stopped to wait for approval instead of answering; {@link #waiting()} says for what. */
    public boolean waitingForApproval() {
        return !waiting.isEmpty();
    }
}
