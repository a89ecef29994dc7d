package dev.quarry.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.durable.RunRecords;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.StreamSink;
import dev.quarry.agent.model.UsageLedger;
import dev.quarry.agent.plan.PlanningContext;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.Deadline;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepJournal;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.trace.Trace;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One run of an {@link Agent}: the {@link PlanningContext} its planner works with. It sends model calls
 * through the run's model chain and steps to the run's scheduler, remembers what the run did, and owns the
 * run's threads (closing it stops them). Limits, retries, usage, tracing and the deadline live in the
 * chains; per-run features (prefetch, speculation) are {@link AgentPlugin.RunPart}s; its place in a tree of
 * sub-agent runs is its {@link RunTree}. Its {@code journal} is null when the run is not journaled, its
 * {@code nesting} when it is not a sub-agent's run.
 */
final class AgentRun implements PlanningContext, AgentPlugin.RunStart, AutoCloseable {

    private final String runId;
    private final String task;
    private final List<ChatMessage> conversation;
    private final String systemPrompt;
    private final RunTree tree;
    private final ToolRegistry tools;
    private final Deadline deadline;
    private final Trace trace;
    private final UsageLedger ledger = new UsageLedger();
    private final RunSteps record;
    private final RunEvents events;
    private final RunRecords journal;
    private final RunParts parts;
    private final StepScheduler.Run steps;
    private final RunModelCalls models;

    AgentRun(
            Agent agent,
            String runId,
            String task,
            List<ChatMessage> conversation,
            ToolRegistry tools,
            RunEvents events,
            RunRecords journal,
            Nesting nesting) {
        this.runId = runId;
        this.task = task;
        this.conversation = conversation;
        this.systemPrompt = agent.systemPrompt();
        this.events = events;
        this.journal = journal;
        this.record = new RunSteps(agent.limits().maxSteps());
        this.trace = new Trace(runId);
        this.tree = new RunTree(this, agent, ledger, tools, nesting);
        this.tools = tree.bind(tools);
        this.deadline = tree.deadline(agent);
        tree.nestTrace();
        this.parts = new RunParts(agent.plugins(), this, agent.builtInParts(this, record));
        RunModelCalls calls = new RunModelCalls(
                runId, agent.modelChain(this, ledger, parts.modelInterceptors()), deadline, trace, events);
        this.models = calls;
        this.steps = agent.scheduler()
                .open(
                        runId,
                        this.tools,
                        deadline,
                        stepId -> Optional.of(new RunChatModel(calls, stepId)),
                        parts.listenersWith(trace, events),
                        journal == null ? StepJournal.NONE : journal,
                        parts.stepInterceptors());
        parts.submitSteps(steps, record);
    }

    @Override
    public String runId() {
        return runId;
    }

    Deadline deadline() {
        return deadline;
    }

    Trace trace() {
        return trace;
    }

    RunEvents events() {
        return events;
    }

    RunTree tree() {
        return tree;
    }

    /** The run's journal, or null when it is not journaled. */
    RunRecords journal() {
        return journal;
    }

    @Override
    public String task() {
        return task;
    }

    @Override
    public List<ChatMessage> conversation() {
        return conversation;
    }

    @Override
    public String systemPrompt() {
        return systemPrompt;
    }

    /**
     * For plugins starting their parts (while {@code parts} is being made), every tool the run may use; for the
     * planner, the tools its parts let it see now (tool search narrows them to those found).
     */
    @Override
    public ToolRegistry tools() {
        return parts == null ? tools : parts.visibleTools(tools);
    }

    @Override
    public ModelTurn chat(String purpose, ChatRequest request) {
        return models.call(purpose, request, false, id -> StreamSink.NONE);
    }

    @Override
    public ModelTurn stream(String purpose, ChatRequest request, ToolCallSink onToolCall, TextSink onText) {
        return models.stream(purpose, request, onToolCall, onText);
    }

    /** The step results the planner read since its last call: a model call's inputs in the trace. */
    List<String> inputsOf(ModelCall call) {
        return call.toolStep().isPresent() ? List.of() : record.takeUnread();
    }

    @Override
    public CompletableFuture<StepResult> submit(Step step, String plannedBy) {
        record.plan(step.id());
        if (journal != null) {
            journal.planned(step.id(), plannedBy);
        }
        if (plannedBy != null) {
            trace.stepPlannedBy(step.id(), plannedBy);
        }
        events.stepPlanned(runId, step, plannedBy);
        return record.remember(steps.submit(step));
    }

    @Override
    public String uniqueStepId(String wanted) {
        return record.uniqueId(wanted);
    }

    @Override
    public CompletableFuture<StepResult> reject(StepResult rejected) {
        return record.remember(CompletableFuture.completedFuture(rejected));
    }

    /** Waits for the steps; a handoff step that succeeded ends the run with its answer ({@link RunTree.HandedOff}). */
    @Override
    public List<StepResult> await(List<CompletableFuture<StepResult>> futures) {
        List<StepResult> results = steps.await(futures);
        record.read(results);
        parts.afterSteps(results);
        tree.checkHandoff(results);
        return results;
    }

    /** The plugins' and guardrails' review of the answer: accepted (maybe changed), or a correction for the model. */
    AgentPlugin.AnswerReview reviewAnswer(String answer) {
        return parts.reviewAnswer(answer);
    }

    /** The result: answered, waiting for these approvals, or partial (empty answer); plugin parts filter citations. */
    AgentResult result(String answer, List<ApprovalHandler.Request> waiting) {
        models.finishTrace(!answer.isEmpty());
        parts.beforeResult();
        List<StepResult> results = record.finished();
        return new AgentResult(
                answer,
                RunSteps.citations(results, (step, c) -> parts.keepsCitation(step, c, answer)),
                results,
                ledger.usage(),
                trace,
                waiting,
                parts.speculation(),
                tree.subAgents());
    }

    @Override
    public void close() {
        steps.close();
        models.close();
    }
}
