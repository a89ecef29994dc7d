package dev.quarry.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.quarry.agent.durable.RunRecords;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelChain;
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
import dev.quarry.agent.tool.ToolRegistry;
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

    /** A run; {@code journal} is null when the run is not journaled. */
    AgentRun(
            Agent agent,
            String runId,
            String task,
            List<ChatMessage> conversation,
            ToolRegistry tools,
            RunEvents events,
            RunRecords journal) {
        this.journal = journal;
        this.runId = runId;
        this.task = task;
        this.conversation = conversation;
        this.systemPrompt = agent.systemPrompt();
        this.tools = tools;
        this.record = new RunSteps(agent.limits().maxSteps());
        this.deadline = Deadline.after(agent.limits().deadline());
        this.trace = new Trace(runId);
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
                        tools,
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
        this.models = agent.modelChain(runId, trace, ledger, this::inputsOf, journal, prefetch, events);
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
        return results;
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
                speculation == null ? Speculation.Outcome.NONE : speculation.outcome());
    }

    @Override
    public void close() {
        steps.close();
        models.close();
    }
}
