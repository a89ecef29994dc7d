package dev.quarry.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.quarry.agent.durable.RunRecords;
import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelChain;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.SharedBudget;
import dev.quarry.agent.model.StreamSink;
import dev.quarry.agent.model.UsageLedger;
import dev.quarry.agent.plan.PlanningContext;
import dev.quarry.agent.schedule.Deadline;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepJournal;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.agent.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One run of an {@link Agent}: the {@link PlanningContext} its planner works with. It sends model calls
 * through the run's model chain and steps to the run's scheduler, remembers what the run did, and owns the
 * run's threads (closing it stops them). Limits, retries, usage, tracing and the deadline live in the
 * chains, not here.
 */
final class AgentRun implements PlanningContext, AutoCloseable {

    /** Model calls whose streamed text may be the answer, published as {@link RunEvent.Text}. */
    private static final Set<String> ANSWER_PURPOSES = Set.of("turn", "join", "format");

    private final String runId;
    private final String task;
    private final List<ChatMessage> conversation;
    private final String systemPrompt;
    private final ToolRegistry tools;
    private final Deadline deadline;
    private final Trace trace;
    private final UsageLedger ledger = new UsageLedger();
    private final ModelChain models;
    private final StepScheduler.Run steps;
    private final RunPrefetch prefetch;
    private final CompletableFuture<StepResult> prefetched;
    private final RunSpeculation speculation;
    private final AtomicInteger modelCalls = new AtomicInteger();
    private final RunSteps record;
    private final RunEvents events;
    private final Map<String, Long> firstText = new ConcurrentHashMap<>();
    private final RunRecords journal;
    private final Nesting nesting;
    private final int rootMaxDepth;
    private final List<ModelInterceptor> budgetsForChildren;
    private final Set<String> handoffs;
    private final List<SubAgentRun> subAgents = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * A run; {@code journal} is null when the run is not journaled, {@code nesting} when it is not a
     * sub-agent's run. A sub-agent's run takes the earlier of its parent's deadline and its own, and counts
     * its model calls against every enclosing run's budget as well as its own.
     */
    AgentRun(
            Agent agent,
            String runId,
            String task,
            List<ChatMessage> conversation,
            ToolRegistry tools,
            RunEvents events,
            RunRecords journal,
            Nesting nesting) {
        this.journal = journal;
        this.nesting = nesting;
        this.rootMaxDepth = agent.maxSubAgentDepth();
        this.runId = runId;
        this.task = task;
        this.conversation = conversation;
        this.systemPrompt = agent.systemPrompt();
        this.tools = bind(tools);
        this.handoffs = handoffs(tools);
        this.record = new RunSteps(agent.limits().maxSteps());
        this.deadline = nesting == null
                ? Deadline.after(agent.limits().deadline())
                : nesting.parent().deadline.within(agent.limits().deadline());
        this.trace = new Trace(runId);
        List<ModelInterceptor> inherited = nesting == null ? List.of() : nesting.parent().budgetsForChildren;
        List<ModelInterceptor> budgets = new ArrayList<>(inherited);
        budgets.add(new SharedBudget(
                runId, ledger, agent.limits().maxModelCalls(), agent.limits().tokenBudget()));
        this.budgetsForChildren = List.copyOf(budgets);
        if (nesting != null) {
            nesting.parent().trace.nest(nesting.stepId(), trace);
        }
        this.prefetch = agent.prefetch()
                .filter(p -> tools.find(p.toolName()).isPresent())
                .map(p -> new RunPrefetch(p, task))
                .orElse(null);
        this.events = events;
        this.speculation = agent.speculation()
                .filter(s -> tools.find(s.toolName()).isPresent())
                .map(s -> new RunSpeculation(s, task, record))
                .orElse(null);
        List<StepListener> runListeners = new ArrayList<>();
        if (prefetch != null) {
            runListeners.add(prefetch);
        }
        if (speculation != null) {
            runListeners.add(speculation);
        }
        runListeners.add(trace);
        runListeners.add(events);
        this.steps = agent.scheduler()
                .open(
                        runId,
                        this.tools,
                        deadline,
                        stepId -> Optional.of(new RunChatModel(this, stepId)),
                        runListeners,
                        journal == null ? StepJournal.NONE : journal);
        if (prefetch != null) {
            record.uniqueId(prefetch.step().id());
            this.prefetched = record.remember(steps.submit(prefetch.step()));
        } else {
            this.prefetched = null;
        }
        if (speculation != null) {
            speculation.steps().forEach(step -> record.remember(steps.submit(step)));
        }
        this.models = agent.modelChain(runId, trace, ledger, this::inputsOf, journal, prefetch, events, inherited);
    }

    /** The tools as this run's steps call them: a sub-agent runs nested in this run. */
    private ToolRegistry bind(ToolRegistry registered) {
        List<Tool> bound = new ArrayList<>();
        for (String name : registered.names()) {
            Tool tool = registered.find(name).orElseThrow();
            bound.add(tool instanceof SubAgent subAgent ? subAgent.within(this) : tool);
        }
        return new ToolRegistry(bound);
    }

    private static Set<String> handoffs(ToolRegistry registered) {
        return registered.names().stream()
                .filter(name -> registered.find(name).orElseThrow() instanceof SubAgent s && s.isHandoff())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    String runId() {
        return runId;
    }

    Trace trace() {
        return trace;
    }

    RunEvents events() {
        return events;
    }

    /** The run's journal, or null when it is not journaled. */
    RunRecords journal() {
        return journal;
    }

    /** The sub-agent names from the root run to this run ("" for the root). */
    String nestingPath() {
        return nesting == null ? "" : nesting.path();
    }

    /** How deep this run is nested: 0 for a run the application started. */
    int depth() {
        return nesting == null ? 0 : nesting.depth();
    }

    /**
     * Runs step {@code stepId}'s sub-agent on {@code task}, nested in this run, and records what its run did
     * (its partial result too, when it fails).
     *
     * @throws SubAgentException when the child's run fails: the step fails with its message
     * @throws ToolException when the child stopped to wait for approval, which a nested run cannot
     */
    ToolResult runSubAgent(SubAgent subAgent, String task, String stepId) throws ToolException {
        Nesting child = new Nesting(this, stepId, subAgent.name(), depth() + 1);
        events.emit(new RunEvent.SubAgentStarted(runId, stepId, subAgent.name(), child.runId()));
        AgentResult result;
        try {
            result = subAgent.agent().runNested(task, child, maxSubAgentDepth());
        } catch (QuarryException e) {
            e.partial(AgentResult.class)
                    .ifPresent(partial -> subAgents.add(new SubAgentRun(stepId, subAgent.name(), partial, e)));
            throw new SubAgentException(subAgent.name(), e);
        }
        subAgents.add(new SubAgentRun(stepId, subAgent.name(), result, null));
        if (result.waitingForApproval()) {
            throw new ToolException("The sub-agent " + subAgent.name() + " stopped to wait for approval of "
                    + result.waiting().size() + " call(s); a sub-agent cannot suspend its parent's run: give it"
                    + " an approval handler that decides (or blocks until a person does)");
        }
        return ToolResult.of(result.answer(), result.citations());
    }

    /** The nesting limit of the run tree this run belongs to: its root agent's. */
    private int maxSubAgentDepth() {
        return nesting == null ? rootMaxDepth : nesting.parent().maxSubAgentDepth();
    }

    Deadline deadline() {
        return deadline;
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

    @Override
    public ToolRegistry tools() {
        return tools;
    }

    @Override
    public ModelTurn chat(String purpose, ChatRequest request) {
        return call(purpose, request, false, id -> StreamSink.NONE);
    }

    @Override
    public ModelTurn stream(String purpose, ChatRequest request, ToolCallSink onToolCall, TextSink onText) {
        boolean answerText = ANSWER_PURPOSES.contains(purpose);
        return call(purpose, request, true, id -> new StreamSink() {
            @Override
            public void onText(String text) {
                onText.accept(id, text);
                if (answerText) {
                    firstText.putIfAbsent(id, trace.now());
                    events.emit(new RunEvent.Text(runId, id, text));
                }
            }

            @Override
            public void onToolCall(ToolExecutionRequest call) {
                onToolCall.accept(id, call);
            }
        });
    }

    /** One model call through the run's chain; what was not streamed reaches the sink once the call is back. */
    ModelTurn call(String purpose, ChatRequest request, boolean streaming, Function<String, StreamSink> sinkFor) {
        String id = "model-" + modelCalls.incrementAndGet();
        TrackingSink sink = new TrackingSink(sinkFor.apply(id));
        ChatResponse response = models.call(new ModelCall(runId, id, purpose, request, streaming, sink, deadline))
                .chatResponse();
        if (streaming) {
            sink.deliverUnstreamed(response);
        }
        return new ModelTurn(id, response);
    }

    private List<String> inputsOf(ModelCall call) {
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

    @Override
    public List<StepResult> await(List<CompletableFuture<StepResult>> futures) {
        List<StepResult> results = steps.await(futures);
        record.read(results);
        for (StepResult result : results) {
            if (result.status().succeeded() && handoffs.contains(result.tool())) {
                throw new HandedOff(result);
            }
        }
        return results;
    }

    /**
     * Thrown out of the planner when a handoff step succeeded: the run ends with that sub-agent's answer and
     * makes no further model call.
     */
    static final class HandedOff extends RuntimeException {
        private final transient StepResult result;

        private HandedOff(StepResult result) {
            super("the run handed off to " + result.tool(), null, false, false);
            this.result = result;
        }

        /** The answer of the sub-agent the run handed off to, recorded as the run's answer in its trace. */
        String answer(Trace trace) {
            trace.answeredBy(result.tool());
            return result.text();
        }
    }

    /**
     * The run's result with this answer (empty for the partial result of a failed run). A prefetch's
     * citations count only when the answer names them.
     */
    AgentResult result(String answer) {
        return result(answer, List.of());
    }

    /** The result of a run that stopped to wait for these approvals, or answered when there are none. */
    AgentResult result(String answer, List<dev.quarry.agent.schedule.ApprovalHandler.Request> waiting) {
        if (!answer.isEmpty()) {
            String answering = "model-" + modelCalls.get();
            trace.firstAnswerToken(firstText.getOrDefault(answering, trace.now()));
        }
        trace.finish();
        if (prefetch != null && prefetch.wasOffered()) {
            // the scheduler tells listeners (the offer) before it completes the step's future: the result
            // is known, so this waits only for that hand-off, and the run's steps include what was offered
            prefetched.join();
        }
        List<StepResult> results = record.finished();
        List<Citation> citations = RunSteps.citations(
                results,
                (step, c) -> (prefetch == null || !prefetch.isStep(step.stepId()) || prefetch.usedBy(answer, c))
                        && (speculation == null || !speculation.isStep(step.stepId())));
        return new AgentResult(
                answer,
                citations,
                results,
                ledger.usage(),
                trace,
                waiting,
                speculation == null ? Speculation.Outcome.NONE : speculation.outcome(),
                List.copyOf(subAgents));
    }

    @Override
    public void close() {
        steps.close();
        models.close();
    }
}
