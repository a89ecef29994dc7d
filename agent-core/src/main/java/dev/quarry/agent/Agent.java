package dev.quarry.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.durable.RunJournal;
import dev.quarry.agent.durable.RunRecords;
import dev.quarry.agent.error.ApprovalNotAllowedException;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.DeadlineExceededException;
import dev.quarry.agent.error.LimitExceededException;
import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.guard.Guardrail;
import dev.quarry.agent.guard.Guardrails;
import dev.quarry.agent.memory.Conversation;
import dev.quarry.agent.memory.ConversationMemory;
import dev.quarry.agent.memory.ConversationStore;
import dev.quarry.agent.memory.HistoryCompaction;
import dev.quarry.agent.memory.InMemoryConversationStore;
import dev.quarry.agent.model.DeadlineGuard;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelChain;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelLimits;
import dev.quarry.agent.model.ModelRetry;
import dev.quarry.agent.model.ModelTracing;
import dev.quarry.agent.model.UsageLedger;
import dev.quarry.agent.model.UsageRecorder;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.ApprovalPolicy;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.AnnotatedTools;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.trace.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A tool-using agent: give it a task, it plans steps with the model, runs every step whose inputs are
 * ready at once, shows the model the results, and repeats until the model answers or a limit is reached.
 *
 * <pre>{@code
 * Agent agent = Agent.builder()
 *         .model(ClaudeOnBedrock.builder().modelId("...").build().chatModel())
 *         .toolsFrom(new MyTools())
 *         .build();
 * AgentResult result = agent.run("Compare the populations of Lyon and Nice");
 * }</pre>
 *
 * <p>An agent is immutable and thread-safe: any number of runs may go on at once. Each run owns its steps'
 * threads and stops them before {@link #run} returns or throws. A run either answers before its deadline
 * and returns, or throws {@link DeadlineExceededException}; any {@link QuarryException} that ends a run
 * carries the run's partial {@link AgentResult} ({@code e.partial(AgentResult.class)}). For a conversation
 * that remembers earlier turns, use {@link #session()}.
 */
public final class Agent {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Agent.class);

    /** Longest task accepted, in characters. */
    public static final int MAX_TASK_CHARS = 200_000;

    private final ChatModel model;
    private final StreamingChatModel streamingModel;
    private final Planner planner;
    private final ToolRegistry tools;
    private final Limits limits;
    private final String systemPrompt;
    private final List<AgentListener> listeners;
    private final List<ModelInterceptor> modelInterceptors;
    private final StepScheduler scheduler;
    private final RetryPolicy modelRetry;
    private final Duration streamIdleTimeout;
    private final List<AgentPlugin> plugins;
    private final RunJournal journal;
    private final ApprovalPolicy approvalPolicy;
    private final int maxSubAgentDepth;
    private final Guardrails guardrails;
    private final int maxGuardrailCorrections;
    private final ConversationMemory memory;
    private final ConversationStore conversations;

    private Agent(Builder builder, ToolRegistry tools, StepScheduler scheduler) {
        this.model = builder.model;
        this.streamingModel = builder.streamingModel;
        this.planner = builder.planner;
        this.tools = tools;
        this.limits = builder.limits;
        this.systemPrompt = builder.systemPrompt;
        this.listeners = List.copyOf(builder.listeners);
        this.modelInterceptors = List.copyOf(builder.modelInterceptors);
        this.scheduler = scheduler;
        this.modelRetry = builder.modelRetry;
        this.streamIdleTimeout = builder.streamIdleTimeout;
        this.plugins = List.copyOf(builder.plugins);
        this.journal = builder.journal;
        this.approvalPolicy = builder.approvalPolicy;
        this.maxSubAgentDepth = builder.maxSubAgentDepth;
        this.guardrails = new Guardrails(builder.guardrails);
        this.maxGuardrailCorrections = builder.maxGuardrailCorrections;
        this.memory = builder.memory;
        this.conversations = builder.conversations;
    }

    /** A builder; {@link Builder#model} is the one required setting. */
    public static Builder builder() {
        return new Builder();
    }

    /** Runs one task with no memory of earlier runs, and returns when it has answered. */
    public AgentResult run(String task) {
        return journaled(task, null, RunEvents.NONE);
    }

    /** Runs one task with only the named tools (a per-run allowlist, for least privilege). */
    public AgentResult run(String task, Set<String> allowedTools) {
        return journaled(task, Set.copyOf(allowedTools), RunEvents.NONE);
    }

    /**
     * Continues a journaled run that was interrupted (the process died) or stopped to wait for approval:
     * the model responses and step outcomes the journal holds are replayed without calling the model or
     * running a tool again, and the run goes on from the first model call with no recorded response. A
     * side-effecting step that had started without recording an outcome is "in doubt": it goes to the
     * approval handler with {@link ApprovalHandler.Request#inDoubt()} set, unless its tool is idempotent.
     *
     * @throws IllegalStateException when the agent has no journal
     * @throws IllegalArgumentException when the journal has no such run
     */
    public AgentResult resume(String runId) {
        RunJournal runs = requireJournal();
        try (RunJournal.Lease held = runs.hold(runId)) {
            return resume(RunRecords.resume(runs, runId));
        }
    }

    /**
     * Resumes every run of the journal that no instance is running: it neither answered, nor failed, nor waits
     * for approval, and no live instance holds its lease (its instance died or hung past the lease time). Each
     * is taken by exactly one instance of those sharing the journal, so several instances may call this at
     * once, on a schedule of the application's choosing. With a journal that has no leases across instances
     * ({@link FileJournal}) there are no orphans to take: resume its runs with {@link #resume}.
     *
     * @return the results of the runs resumed here; a run that failed again is in it with its partial result
     *     (and its error logged), so one bad run does not stop the others
     */
    public List<AgentResult> resumeOrphans() {
        RunJournal runs = requireJournal();
        List<AgentResult> resumed = new ArrayList<>();
        for (String runId : runs.runIds()) {
            if (runId.indexOf('.') >= 0) {
                continue; // a sub-agent's run: its parent's resume continues it
            }
            RunRecords state = RunRecords.resume(runs, runId);
            if (state.ended() || state.failed() || !state.waiting().isEmpty()) {
                continue;
            }
            Optional<RunJournal.Lease> taken = runs.takeOrphan(runId);
            if (taken.isEmpty()) {
                continue;
            }
            try (RunJournal.Lease held = taken.get()) {
                RunRecords records = RunRecords.resume(runs, runId);
                if (records.ended() || records.failed() || !records.waiting().isEmpty()) {
                    continue; // finished between the first look and the lease
                }
                resumed.add(resume(records));
            } catch (QuarryException e) {
                LOG.warn("resuming orphaned run {} failed", runId, e);
                e.partial(AgentResult.class).ifPresent(resumed::add);
            }
        }
        return resumed;
    }

    /**
     * Gives decisions for calls a run stopped at ({@link AgentResult#waiting()}, keyed by step id), records
     * them in the journal as the application's ("application" as the approver) and continues the run; see
     * {@link #approve(String, Map, String)}.
     */
    public AgentResult approve(String runId, Map<String, ApprovalHandler.Decision> decisions) {
        return approve(runId, decisions, "application");
    }

    /**
     * Gives {@code approver}'s decisions for calls a run stopped at ({@link AgentResult#waiting()}, keyed by
     * step id), records them and who gave them in the journal, and continues the run; in this JVM or any other
     * with the same journal. A waiting call without a decision stops the run again. The run is held (its
     * journal's {@link RunJournal#lease lease}) from reading its decisions until it stops, so a second
     * approval of the same calls, in this process or another sharing a {@link FileJournal}, finds them no
     * longer waiting and fails: their side effects happen once.
     *
     * @param approver who decides, as the application identified them (the CLI gives the OS user)
     * @throws ApprovalNotAllowedException when the agent's {@link ApprovalPolicy} refuses the approver one of
     *     the decisions (none is recorded)
     * @throws IllegalArgumentException for a step that is not waiting, or a blank approver
     */
    public AgentResult approve(String runId, Map<String, ApprovalHandler.Decision> decisions, String approver) {
        if (approver == null || approver.isBlank()) {
            throw new IllegalArgumentException("an approval needs the approver's identity; got none");
        }
        RunJournal runs = requireJournal();
        try (RunJournal.Lease lease = runs.lease(runId)) {
            RunRecords records = RunRecords.resume(runs, runId);
            for (ApprovalHandler.Request request : records.waiting()) {
                ApprovalHandler.Decision decision = decisions.get(request.stepId());
                if (decision == null) {
                    continue;
                }
                Optional<String> refusal = approvalPolicy.refusal(approver, request, decision);
                if (refusal.isPresent()) {
                    throw new ApprovalNotAllowedException(approver + " may not decide on step " + request.stepId()
                            + " (" + request.tool() + ") of run " + runId + ": " + refusal.get());
                }
            }
            records.decide(decisions, approver);
            return resume(records);
        }
    }

    /** Every call that waits for a person's decision, across the runs of the journal, oldest run first. */
    public List<ApprovalHandler.Request> waitingForApproval() {
        RunJournal runs = requireJournal();
        List<ApprovalHandler.Request> waiting = new ArrayList<>();
        for (String runId : runs.runIds()) {
            waiting.addAll(RunRecords.resume(runs, runId).waiting());
        }
        return waiting;
    }

    private AgentResult resume(RunRecords records) {
        checkTask(records.task());
        ToolRegistry runTools = records.allowedTools().map(tools::restrictTo).orElse(tools);
        return run(records.runId(), records.task(), List.of(), runTools, RunEvents.NONE, null, records, null)
                .result();
    }

    private RunJournal requireJournal() {
        if (journal == null) {
            throw new IllegalStateException(
                    "this agent has no journal: configure one with Agent.Builder.journal(FileJournal.in(folder))");
        }
        return journal;
    }

    /** A fresh run, journaled when the agent has a journal. */
    private AgentResult journaled(String task, Set<String> allowedTools, Consumer<RunEvent> sink) {
        checkTask(task);
        String runId = newRunId();
        ToolRegistry runTools = allowedTools == null ? tools : tools.restrictTo(allowedTools);
        if (journal == null) {
            return run(runId, task, List.of(), runTools, sink, null, null, null).result();
        }
        try (RunJournal.Lease held = journal.hold(runId)) {
            RunRecords records = RunRecords.start(journal, runId, task, allowedTools);
            return run(runId, task, List.of(), runTools, sink, null, records, null)
                    .result();
        }
    }

    private static String newRunId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Runs one task and returns its answer as an instance of {@code type}: a record or class whose JSON
     * schema (generated by langchain4j from the type) the model is asked to follow. A reply that does not
     * match is sent back for correction, at most twice; then {@link dev.quarry.agent.error.InvalidAnswerException}
     * quotes it. Works with every planner and with streaming models.
     *
     * @throws dev.quarry.agent.error.ConfigurationException when no JSON object can describe the type
     */
    public <T> T run(String task, Class<T> type) {
        TypedAnswer<T> format = TypedAnswer.of(Objects.requireNonNull(type, "type"));
        return format.value(run(task, List.of(), tools, RunEvents.NONE, format).result());
    }

    /**
     * Runs one task in the background. {@code cancel(true)} on the future (or {@code cancel(false)}: a run
     * cannot stop without stopping its steps) cancels the run and interrupts every step it started; the
     * future then completes as cancelled, and no thread of the run outlives it.
     */
    public CompletableFuture<AgentResult> runAsync(String task) {
        checkTask(task);
        RunFuture future = new RunFuture();
        Thread runner = Thread.ofVirtual().name("quarry-async").unstarted(() -> {
            try {
                future.complete(run(task));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        });
        future.runOn(runner);
        runner.start();
        return future;
    }

    /**
     * Runs one task when subscribed, publishing what happens as it happens: steps scheduled, started and
     * finished, approvals, model calls with their usage, the answer's text as the model writes it, and last
     * {@link RunEvent.Finished} or {@link RunEvent.Failed}. One subscriber per call. A slow subscriber never
     * holds up the run (events past a large buffer are dropped and counted; the final event always comes);
     * cancelling the subscription cancels the run and every step in it.
     */
    public Flow.Publisher<RunEvent> stream(String task) {
        checkTask(task);
        return new RunPublisher(events -> journaled(task, null, events));
    }

    /**
     * Runs one task, handing each {@link RunEvent} to {@code onEvent} as it happens (on a thread of the run's
     * stream, one event at a time), and returns the result. An exception thrown by {@code onEvent} is logged
     * and the run goes on.
     */
    public AgentResult stream(String task, Consumer<RunEvent> onEvent) {
        return RunStreams.collect(stream(task), onEvent);
    }

    /**
     * A conversation kept in this session object only: each {@link AgentSession#run} sees the tasks and
     * answers before it. Use {@link #session(String)} for one that outlives the object.
     */
    public AgentSession session() {
        return new AgentSession(this, new InMemoryConversationStore(), "session-" + newRunId());
    }

    /**
     * The conversation {@code id} in the agent's {@link Builder#conversationStore conversation store}: a new
     * one, or the one earlier runs (in this JVM or any sharing the store) left.
     *
     * @throws IllegalArgumentException when the id is not 1 to 200 letters, digits, '.', '_' or '-'
     */
    public AgentSession session(String id) {
        return new AgentSession(this, conversations, new Conversation(id, 0, List.of()).id());
    }

    /** The tools this agent may use. */
    public ToolRegistry tools() {
        return tools;
    }

    record Outcome(AgentResult result, List<ChatMessage> conversation) {}

    /** The loop of a run: plan and schedule a round, until an answer, a limit or the deadline. */
    Outcome run(
            String task,
            List<ChatMessage> history,
            ToolRegistry runTools,
            Consumer<RunEvent> sink,
            TypedAnswer<?> format) {
        checkTask(task);
        return run(newRunId(), task, history, runTools, sink, format, null, null);
    }

    /**
     * A sub-agent's run of {@code task}, nested in its parent's run: journaled in the parent's journal under
     * the child's run id (resumed from it when an earlier process began it), its events sent to the parent's
     * stream; {@code format} is null unless the sub-agent gives a typed answer.
     *
     * @throws LimitExceededException when the run tree would nest deeper than {@code maxDepth}
     */
    AgentResult runNested(String task, Nesting nesting, int maxDepth, TypedAnswer<?> format) {
        checkTask(task);
        if (nesting.depth() > maxDepth) {
            throw new LimitExceededException("sub-agents would nest " + nesting.depth() + " deep ("
                    + nesting.path() + "); the limit is " + maxDepth
                    + ": raise Agent.Builder.maxSubAgentDepth on the agent the application runs");
        }
        RunRecords parentJournal = nesting.parent().journal();
        RunRecords records = parentJournal == null ? null : parentJournal.nested(nesting.runId(), task);
        return run(nesting.runId(), task, List.of(), tools, nesting.parent().events()::emit, format, records, nesting)
                .result();
    }

    /**
     * The loop of a run with a known id and a checked task; {@code journal} is null when the run is not
     * journaled, {@code nesting} when it is not a sub-agent's run.
     */
    private Outcome run(
            String runId,
            String task,
            List<ChatMessage> history,
            ToolRegistry runTools,
            Consumer<RunEvent> sink,
            TypedAnswer<?> format,
            RunRecords journal,
            Nesting nesting) {
        RunEvents events = new RunEvents(sink, listeners);
        List<ChatMessage> conversation = new ArrayList<>();
        if (!systemPrompt.isBlank()) {
            conversation.add(SystemMessage.from(systemPrompt));
        }
        conversation.addAll(history);
        conversation.add(UserMessage.from(format == null ? task : task + format.instructions()));
        listeners.forEach(l -> l.onRunStart(runId, task));
        events.emit(new RunEvent.Started(runId, task));
        AgentRun run = new AgentRun(this, runId, task, conversation, runTools, events, journal, nesting);
        try (run) {
            while (true) {
                Optional<String> answer;
                try {
                    answer = planner.round(run);
                } catch (RunRecords.Suspended waiting) {
                    return suspended(run, journal, conversation);
                } catch (RunTree.HandedOff handoff) {
                    answer = Optional.of(handoff.answer(run.trace()));
                }
                answer = answer.map(text -> format == null ? text : format.conform(run, text));
                if (answer.isPresent()) {
                    AgentPlugin.AnswerReview review = run.reviewAnswer(answer.get());
                    if (!review.accepted()) {
                        conversation.add(UserMessage.from(review.correction()));
                        continue;
                    }
                    answer = Optional.of(review.answer());
                }
                if (journal != null && !journal.waiting().isEmpty()) {
                    return suspended(run, journal, conversation);
                }
                run.deadline().check("before the model answered");
                if (answer.isPresent()) {
                    if (journal != null) {
                        journal.ended(answer.get());
                    }
                    AgentResult result = run.result(answer.get(), List.of());
                    listeners.forEach(l -> l.onRunEnd(runId, result));
                    return new Outcome(result, List.copyOf(conversation));
                }
            }
        } catch (RuntimeException e) {
            QuarryException failure = failure(e, run);
            if (failure == null) {
                throw e;
            }
            if (journal != null && nesting == null) {
                recordFailure(journal, failure);
            }
            listeners.forEach(l -> l.onRunFailed(runId, failure));
            throw failure;
        }
    }

    /**
     * Records that a journaled run failed, so another instance does not take it for an orphan; a run that
     * failed because the journal cannot be written stays as it is (and may be taken over, or resumed).
     */
    private static void recordFailure(RunRecords journal, QuarryException failure) {
        if (failure instanceof dev.quarry.agent.error.JournalException) {
            return;
        }
        try {
            journal.failedWith(failure.getClass().getSimpleName() + ": " + failure.getMessage());
        } catch (dev.quarry.agent.error.JournalException e) {
            failure.addSuppressed(e);
        }
    }

    /** The result of a run that stopped at calls waiting for approval: no answer, the calls in waiting. */
    private Outcome suspended(AgentRun run, RunRecords journal, List<ChatMessage> conversation) {
        AgentResult result = run.result("", journal.waiting());
        listeners.forEach(l -> l.onRunEnd(result.runId(), result));
        return new Outcome(result, List.copyOf(conversation));
    }

    /**
     * The error a failed run ends with, carrying its partial result: past the deadline that is always a
     * {@link DeadlineExceededException}, whatever broke first. Null for a bug (not a Quarry error) in time.
     */
    private static QuarryException failure(RuntimeException e, AgentRun run) {
        AgentResult partial = run.result("", List.of());
        if (run.deadline().passed() && !(e instanceof DeadlineExceededException)) {
            DeadlineExceededException late = run.deadline().exceeded("while " + e.getMessage());
            late.initCause(e);
            return late.withPartial(partial);
        }
        return e instanceof QuarryException quarry ? quarry.withPartial(partial) : null;
    }

    private static void checkTask(String task) {
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("task must not be null or blank");
        }
        if (task.length() > MAX_TASK_CHARS) {
            throw new IllegalArgumentException(
                    "task is " + task.length() + " characters; the limit is " + MAX_TASK_CHARS);
        }
    }

    String systemPrompt() {
        return systemPrompt;
    }

    Limits limits() {
        return limits;
    }

    StepScheduler scheduler() {
        return scheduler;
    }

    int maxSubAgentDepth() {
        return maxSubAgentDepth;
    }

    /** The agent's own parts in a run: its guardrails, when it has any. */
    List<AgentPlugin.RunPart> builtInParts(AgentRun run, RunSteps record) {
        return guardrails.isEmpty()
                ? List.of()
                : List.of(new RunGuardrails(guardrails, maxGuardrailCorrections, run, record::finished));
    }

    /** The plugins whose parts each run starts ({@link AgentPlugin#startRun}). */
    List<AgentPlugin> plugins() {
        return plugins;
    }

    /**
     * The model chain of one run, in the documented order (see {@link ModelInterceptor}); a sub-agent's run
     * checks the budgets of the runs it is nested in (outermost first) right after its own limits, and the
     * run's plugin parts come after its journal.
     */
    ModelChain modelChain(AgentRun run, UsageLedger ledger, List<ModelInterceptor> runParts) {
        String runId = run.runId();
        RunEvents events = run.events();
        Trace trace = run.trace();
        Function<ModelCall, List<String>> inputs = run::inputsOf;
        ModelInterceptor runJournal = run.journal();
        List<ModelInterceptor> enclosingBudgets = run.tree().enclosingBudgets();
        List<ModelInterceptor> chain = new ArrayList<>();
        if (memory != null) {
            chain.add(new HistoryCompaction(memory, run.conversation()));
        }
        chain.add(new ModelLimits(ledger, limits.maxModelCalls(), limits.tokenBudget()));
        chain.addAll(enclosingBudgets);
        chain.add(new ModelTracing(trace, inputs));
        chain.add(new UsageRecorder(ledger, call -> {
            listeners.forEach(l -> l.onModelCall(runId, call));
            events.emit(new RunEvent.ModelCallFinished(runId, call));
        }));
        if (runJournal != null) {
            chain.add(runJournal);
        }
        chain.addAll(runParts);
        chain.addAll(modelInterceptors);
        chain.add(new DeadlineGuard());
        chain.add(new ModelRetry(modelRetry));
        return new ModelChain(chain, model, streamingModel, streamIdleTimeout, runId);
    }

    /**
     * Configures an {@link Agent}. A model is required; everything else has a default. Setters record what
     * they are given; {@link #build()} checks it all and throws one {@link ConfigurationException} naming
     * every problem.
     */
    public static final class Builder {
        private ChatModel model;
        private StreamingChatModel streamingModel;
        private Planner planner = Planner.toolUse();
        private final List<Tool> tools = new ArrayList<>();
        private Limits limits = Limits.DEFAULT;
        private String systemPrompt = "";
        private final List<AgentListener> listeners = new ArrayList<>();
        private final List<ModelInterceptor> modelInterceptors = new ArrayList<>();
        private final StepScheduler.Builder steps = StepScheduler.builder();
        private RetryPolicy modelRetry = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));
        private Duration streamIdleTimeout = Duration.ofSeconds(30);
        private final List<AgentPlugin> plugins = new ArrayList<>();
        private RunJournal journal;
        private ApprovalPolicy approvalPolicy = ApprovalPolicy.ANYONE;
        private int maxSubAgentDepth = 3;
        private final List<Guardrail> guardrails = new ArrayList<>();
        private int maxGuardrailCorrections = 2;
        private ConversationMemory memory;
        private ConversationStore conversations = new InMemoryConversationStore();
        private final List<String> problems = new ArrayList<>();

        private Builder() {}

        private <T> boolean given(T value, String what) {
            if (value == null) {
                problems.add(what + " must not be null");
            }
            return value != null;
        }

        /** The model for blocking calls (required unless a streaming model is set, which is then used alone). */
        public Builder model(ChatModel model) {
            if (given(model, "model")) {
                this.model = model;
            }
            return this;
        }

        /**
         * A streaming model: steps are dispatched as soon as each tool call (or plan line) is complete in the
         * stream. Planners use it for every call when set.
         */
        public Builder streamingModel(StreamingChatModel streamingModel) {
            if (given(streamingModel, "streamingModel")) {
                this.streamingModel = streamingModel;
            }
            return this;
        }

        /** How tasks become steps; default {@link Planner#toolUse()}. */
        public Builder planner(Planner planner) {
            if (given(planner, "planner")) {
                this.planner = planner;
            }
            return this;
        }

        /** Adds a tool; tool names must be unique. */
        public Builder tool(Tool tool) {
            if (given(tool, "tool")) {
                tools.add(tool);
            }
            return this;
        }

        /** Adds tools; tool names must be unique. */
        public Builder tools(List<? extends Tool> more) {
            if (given(more, "tools")) {
                more.forEach(this::tool);
            }
            return this;
        }

        /** Adds every {@code @Tool} method of each object as a tool. */
        public Builder toolsFrom(Object... objects) {
            for (Object object : objects) {
                try {
                    tools(AnnotatedTools.from(object));
                } catch (IllegalArgumentException | NullPointerException | ConfigurationException e) {
                    problems.add(e.getMessage());
                }
            }
            return this;
        }

        /**
         * Adds another agent as a step the planner can call with a {@code task}: the step runs a whole run of
         * {@code agent}, nested in this agent's run (deadline, budgets, cancellation, events, trace and journal
         * shared; see {@link SubAgent}). Independent sub-agent steps run at once, like any steps.
         *
         * @param name the tool name the planner sees (letters, digits, '_' or '-')
         * @param description when to call it, for the planner
         */
        public Builder subAgent(String name, String description, Agent agent) {
            return addSubAgent(() -> SubAgent.of(name, description, agent));
        }

        /**
         * Adds another agent as a step whose answer is an instance of {@code answerType}: the planner sees the
         * type's JSON schema and the step's result is the child's JSON object, corrected until it fits (see
         * {@link SubAgent#typed}).
         */
        public Builder subAgent(String name, String description, Agent agent, Class<?> answerType) {
            return addSubAgent(() -> SubAgent.typed(name, description, agent, answerType));
        }

        /**
         * Adds a specialist this agent may hand the conversation to: when the handoff step succeeds, the
         * specialist's answer is the run's answer and this agent's model is not called again
         * ({@link AgentResult#answeredBy()} names who answered). See {@link SubAgent#handoff}.
         */
        public Builder handoff(String name, String description, Agent agent) {
            return addSubAgent(() -> SubAgent.handoff(name, description, agent));
        }

        /** Adds the sub-agent {@code made} makes, or its problem when it cannot be made. */
        private Builder addSubAgent(java.util.function.Supplier<SubAgent> made) {
            try {
                tool(made.get());
            } catch (IllegalArgumentException | NullPointerException | ConfigurationException e) {
                problems.add(e.getMessage());
            }
            return this;
        }

        /**
         * How deep sub-agents may nest under a run of this agent (a sub-agent's sub-agent is depth 2);
         * default 3. {@link #build()} refuses a tree of sub-agents deeper than this, naming its path.
         */
        public Builder maxSubAgentDepth(int depth) {
            if (depth < 1) {
                problems.add("maxSubAgentDepth must be >= 1, was " + depth);
            } else {
                this.maxSubAgentDepth = depth;
            }
            return this;
        }

        /**
         * Adds a check of every run's input, tool arguments, tool results or answer (as the guardrail's
         * {@link Guardrail#stages()} say), after those added before it; see {@link Guardrail}. Built in:
         * {@link dev.quarry.agent.guard.SecretRedactor}, {@link dev.quarry.agent.guard.CitationCheck}.
         */
        public Builder guardrail(Guardrail guardrail) {
            if (given(guardrail, "guardrail")) {
                if (guardrails.stream().anyMatch(g -> g.name().equals(guardrail.name()))) {
                    problems.add("two guardrails are named " + guardrail.name() + "; give each its own name");
                } else {
                    guardrails.add(guardrail);
                }
            }
            return this;
        }

        /**
         * How many corrections guardrails may ask for in one run (answers written again, tool calls refused
         * or withheld) before the next one blocks the run; default 2, 0 to block at once.
         */
        public Builder maxGuardrailCorrections(int max) {
            if (max < 0) {
                problems.add("maxGuardrailCorrections must be >= 0, was " + max);
            } else {
                this.maxGuardrailCorrections = max;
            }
            return this;
        }

        /**
         * A token budget for the history the model sees, kept by compacting it before a call (old tool results
         * cleared, then old turns summarised); see {@link ConversationMemory}. Default: no budget.
         */
        public Builder memory(ConversationMemory memory) {
            if (given(memory, "memory")) {
                this.memory = memory;
            }
            return this;
        }

        /**
         * Where {@link Agent#session(String)} keeps conversations; default in this JVM's memory. A
         * {@link dev.quarry.agent.memory.FileConversationStore} or
         * {@link dev.quarry.agent.memory.JdbcConversationStore} lets a conversation continue after a restart
         * or on another instance.
         */
        public Builder conversationStore(ConversationStore store) {
            if (given(store, "conversationStore")) {
                this.conversations = store;
            }
            return this;
        }

        /** Bounds on each run; default {@link Limits#DEFAULT}. */
        public Builder limits(Limits limits) {
            if (given(limits, "limits")) {
                this.limits = limits;
            }
            return this;
        }

        /** Instructions sent as the system prompt of every model call the planner makes. */
        public Builder systemPrompt(String systemPrompt) {
            if (given(systemPrompt, "systemPrompt")) {
                this.systemPrompt = systemPrompt;
            }
            return this;
        }

        /** Observes every run of the agent: model calls, steps, the end of the run. */
        public Builder listener(AgentListener listener) {
            if (given(listener, "listener")) {
                listeners.add(listener);
                steps.listener(listener);
            }
            return this;
        }

        /**
         * Adds an interceptor around every model call of every run, after the run's limits, trace and usage
         * and before its deadline and retry; interceptors added first are outermost.
         */
        public Builder modelInterceptor(ModelInterceptor interceptor) {
            if (given(interceptor, "modelInterceptor")) {
                modelInterceptors.add(interceptor);
            }
            return this;
        }

        /**
         * Adds an interceptor around every tool call, after deduplication and the approval gate and before
         * truncation, retry and the timeout; interceptors added first are outermost.
         */
        public Builder stepInterceptor(StepInterceptor interceptor) {
            if (given(interceptor, "stepInterceptor")) {
                steps.interceptor(interceptor);
            }
            return this;
        }

        /** Adds a plugin's model interceptors, step interceptors and listeners (OpenTelemetry, for one). */
        public Builder plugin(AgentPlugin plugin) {
            if (given(plugin, "plugin")) {
                plugin.tools().forEach(this::tool);
                plugin.modelInterceptors().forEach(this::modelInterceptor);
                plugin.stepInterceptors().forEach(this::stepInterceptor);
                plugin.listeners().forEach(this::listener);
                plugins.add(plugin);
            }
            return this;
        }

        /**
         * Journals every run ({@code run}, {@code runAsync}, {@code stream}; not typed runs or sessions) so it
         * can be resumed after a crash ({@link Agent#resume}) and can stop to wait for approval
         * ({@link ApprovalHandler#suspendRun()}, {@link Agent#approve}). {@link FileJournal} is the embedded
         * choice, {@link dev.quarry.agent.durable.JdbcJournal} the shared one.
         */
        public Builder journal(RunJournal journal) {
            if (given(journal, "journal")) {
                this.journal = journal;
            }
            return this;
        }

        /**
         * Who may give which decision to {@link Agent#approve(String, Map, String)} (default: anyone the
         * application names).
         */
        public Builder approvalPolicy(ApprovalPolicy policy) {
            this.approvalPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Decides on side-effecting tool calls; the default refuses them all. With a journal,
         * {@link ApprovalHandler#suspendRun()} stops the run at them until {@link Agent#approve}.
         */
        public Builder approvalHandler(ApprovalHandler handler) {
            if (given(handler, "approvalHandler")) {
                steps.approvalHandler(handler);
            }
            return this;
        }

        /** Most tool calls running at once across this agent's runs; default 256. */
        public Builder maxConcurrency(int max) {
            steps.maxConcurrency(max);
            return this;
        }

        /**
         * Attempts per model call on throttling, server errors, connection resets and stalled streams, with
         * exponential backoff and jitter, never past the run's deadline. This is the only retry layer:
         * configure the model client itself with no retries ({@code ClaudeOnBedrock} does). Default 4
         * attempts, backoff from 200 ms up to 5 s.
         */
        public Builder modelRetry(RetryPolicy retry) {
            if (given(retry, "modelRetry")) {
                this.modelRetry = retry;
            }
            return this;
        }

        /** Attempts of an idempotent tool on transient failures and timeouts; default 3, from 100 ms up to 2 s. */
        public Builder stepRetry(RetryPolicy retry) {
            if (given(retry, "stepRetry")) {
                steps.retry(retry);
            }
            return this;
        }

        /** Whether identical tool calls (same tool, same arguments) in one run execute once; default true. */
        public Builder deduplicate(boolean deduplicate) {
            steps.deduplicate(deduplicate);
            return this;
        }

        /** Tool output longer than this many characters is cut, with a marker; default 20,000, at least 100. */
        public Builder maxResultChars(int max) {
            steps.maxResultChars(max);
            return this;
        }

        /**
         * Whether tool bodies run on isolated platform threads (default true) or on virtual threads; see
         * {@link StepScheduler.Builder#isolateTools}. Turn it off only for tools trusted to block on I/O alone
         * and to stop when interrupted.
         */
        public Builder isolateTools(boolean isolate) {
            steps.isolateTools(isolate);
            return this;
        }

        /** Longest silence between two events of a model stream before it counts as stalled; default 30 s. */
        public Builder streamIdleTimeout(Duration timeout) {
            if (given(timeout, "streamIdleTimeout")) {
                if (timeout.isNegative() || timeout.isZero()) {
                    problems.add("streamIdleTimeout must be positive, was " + timeout);
                } else {
                    this.streamIdleTimeout = timeout;
                }
            }
            return this;
        }

        /**
         * Starts the read-only tool calls this predicts from the task with every run, serving the model's
         * identical calls from them; see {@link Speculation}. Off by default.
         */
        public Builder speculate(Speculation speculation) {
            if (given(speculation, "speculation")) {
                plugin(speculation);
            }
            return this;
        }

        /**
         * Runs the read-only calls this predicts from the task before the first model call and shows the model
         * their results, so a task whose look-ups are predictable can be answered in one model turn; see
         * {@link LookAhead}. Off by default.
         */
        public Builder lookAhead(LookAhead lookAhead) {
            if (given(lookAhead, "lookAhead")) {
                plugin(lookAhead);
            }
            return this;
        }

        /** Starts this tool call with every run; see {@link Prefetch}. Off by default. */
        public Builder prefetch(Prefetch prefetch) {
            if (given(prefetch, "prefetch")) {
                plugin(prefetch);
            }
            return this;
        }

        /** @throws ConfigurationException naming every problem with the configuration */
        public Agent build() {
            List<String> all = new ArrayList<>(problems);
            if (model == null && streamingModel == null) {
                all.add("an Agent needs a model: call model(...) or streamingModel(...)");
            }
            ToolRegistry registry = null;
            try {
                registry = new ToolRegistry(tools);
            } catch (IllegalArgumentException e) {
                all.add(e.getMessage());
            }
            if (registry != null) {
                deepestSubAgents(registry, new ArrayList<>())
                        .filter(path -> path.size() > maxSubAgentDepth)
                        .ifPresent(path -> all.add("sub-agents nest " + path.size() + " deep ("
                                + String.join(" > ", path) + "); the limit is " + maxSubAgentDepth
                                + ": flatten the tree or raise maxSubAgentDepth"));
            }
            StepScheduler scheduler = null;
            try {
                scheduler = steps.build();
            } catch (ConfigurationException e) {
                all.add(e.getMessage());
            }
            if (registry != null && scheduler != null) {
                for (AgentPlugin plugin : plugins) {
                    all.addAll(plugin.problems(registry, scheduler));
                }
            }
            if (!all.isEmpty()) {
                throw new ConfigurationException("the agent cannot be built: " + String.join("; ", all));
            }
            return new Agent(this, registry, scheduler);
        }

        /**
         * The longest chain of sub-agent names below {@code registry}. Agents are immutable and a sub-agent
         * is built before its parent, so the tree cannot hold a cycle; the walk is bounded by that.
         */
        private static Optional<List<String>> deepestSubAgents(ToolRegistry registry, List<String> above) {
            List<String> deepest = null;
            for (String name : registry.names()) {
                if (registry.find(name).orElseThrow() instanceof SubAgent subAgent) {
                    List<String> path = new ArrayList<>(above);
                    path.add(name);
                    List<String> below =
                            deepestSubAgents(subAgent.agent().tools(), path).orElse(path);
                    if (deepest == null || below.size() > deepest.size()) {
                        deepest = below;
                    }
                }
            }
            return Optional.ofNullable(deepest);
        }
    }
}
