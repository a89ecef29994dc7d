package dev.quarry.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelChain;
import dev.quarry.agent.model.StreamSink;
import dev.quarry.agent.model.UsageLedger;
import dev.quarry.agent.plan.PlanningContext;
import dev.quarry.agent.schedule.Deadline;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.trace.Trace;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One run of an {@link Agent}: the {@link PlanningContext} its planner works with. It sends model calls
 * through the run's model chain and steps to the run's scheduler, remembers what the run did, and owns the
 * run's threads (closing it stops them). Limits, retries, usage, tracing and the deadline live in the
 * chains, not here.
 */
final class AgentRun implements PlanningContext, AutoCloseable {

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
    private final AtomicInteger modelCalls = new AtomicInteger();
    private final RunSteps record;

    AgentRun(Agent agent, String runId, String task, List<ChatMessage> conversation, ToolRegistry tools) {
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
        List<StepListener> runListeners = prefetch == null ? List.of(trace) : List.of(prefetch, trace);
        this.steps = agent.scheduler()
                .open(runId, tools, deadline, stepId -> Optional.of(new RunChatModel(this, stepId)), runListeners);
        if (prefetch != null) {
            record.uniqueId(prefetch.step().id());
            record.remember(steps.submit(prefetch.step()));
        }
        this.models = agent.modelChain(runId, trace, ledger, this::inputsOf, prefetch);
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
        return call(purpose, request, true, id -> new StreamSink() {
            @Override
            public void onText(String text) {
                onText.accept(id, text);
            }

            @Override
            public void onToolCall(ToolExecutionRequest call) {
                onToolCall.accept(id, call);
            }
        });
    }

    /** Sends one model call through the run's chain; {@code sinkFor} makes its sink from its id. */
    ModelTurn call(String purpose, ChatRequest request, boolean streaming, Function<String, StreamSink> sinkFor) {
        String id = "model-" + modelCalls.incrementAndGet();
        ModelCall call = new ModelCall(runId, id, purpose, request, streaming, sinkFor.apply(id), deadline);
        return new ModelTurn(id, models.call(call).chatResponse());
    }

    private List<String> inputsOf(ModelCall call) {
        return call.purpose().startsWith(RunChatModel.PURPOSE_PREFIX) ? List.of() : record.takeUnread();
    }

    @Override
    public CompletableFuture<StepResult> submit(Step step, String plannedBy) {
        record.plan(step.id());
        if (plannedBy != null) {
            trace.stepPlannedBy(step.id(), plannedBy);
        }
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
        trace.finish();
        List<StepResult> results = record.finished();
        List<Citation> citations = RunSteps.citations(
                results,
                (step, c) -> prefetch == null || !prefetch.isStep(step.stepId()) || prefetch.usedBy(answer, c));
        return new AgentResult(answer, citations, results, ledger.usage(), trace);
    }

    @Override
    public void close() {
        steps.close();
        models.close();
    }
}
