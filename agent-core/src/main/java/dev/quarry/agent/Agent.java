package dev.quarry.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.DeadlineExceededException;
import dev.quarry.agent.error.QuarryException;
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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
    private final Prefetch prefetch;

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
        this.prefetch = builder.prefetch;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs one task with no memory of earlier runs. */
    public AgentResult run(String task) {
        return run(task, List.of(), tools).result();
    }

    /** Runs one task with only the named tools (a per-run allowlist, for least privilege). */
    public AgentResult run(String task, Set<String> allowedTools) {
        return run(task, List.of(), tools.restrictTo(allowedTools)).result();
    }

    /** A conversation: each {@link AgentSession#run} sees the tasks and answers before it. */
    public AgentSession session() {
        return new AgentSession(this);
    }

    /** The tools this agent may use. */
    public ToolRegistry tools() {
        return tools;
    }

    record Outcome(AgentResult result, List<ChatMessage> conversation) {}

    /** The loop of a run: plan and schedule a round, until an answer, a limit or the deadline. */
    Outcome run(String task, List<ChatMessage> history, ToolRegistry runTools) {
        checkTask(task);
        String runId = UUID.randomUUID().toString().substring(0, 8);
        List<ChatMessage> conversation = new ArrayList<>();
        if (!systemPrompt.isBlank()) {
            conversation.add(SystemMessage.from(systemPrompt));
        }
        conversation.addAll(history);
        conversation.add(UserMessage.from(task));
        listeners.forEach(l -> l.onRunStart(runId, task));
        AgentRun run = new AgentRun(this, runId, task, conversation, runTools);
        try (run) {
            while (true) {
                Optional<String> answer = planner.round(run);
                run.deadline().check("before the model answered");
                if (answer.isPresent()) {
                    AgentResult result = run.result(answer.get());
                    listeners.forEach(l -> l.onRunEnd(runId, result));
                    return new Outcome(result, List.copyOf(conversation));
                }
            }
        } catch (RuntimeException e) {
            QuarryException failure = failure(e, run);
            if (failure == null) {
                throw e;
            }
            listeners.forEach(l -> l.onRunFailed(runId, failure));
            throw failure;
        }
    }

    /**
     * The error a failed run ends with, carrying its partial result: past the deadline that is always a
     * {@link DeadlineExceededException}, whatever broke first. Null for a bug (not a Quarry error) in time.
     */
    private static QuarryException failure(RuntimeException e, AgentRun run) {
        AgentResult partial = run.result("");
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

    Optional<Prefetch> prefetch() {
        return Optional.ofNullable(prefetch);
    }

    /** The model chain of one run, in the documented order (see {@link ModelInterceptor}). */
    ModelChain modelChain(
            String runId,
            Trace trace,
            UsageLedger ledger,
            Function<ModelCall, List<String>> inputs,
            ModelInterceptor runPrefetch) {
        List<ModelInterceptor> chain = new ArrayList<>();
        chain.add(new ModelLimits(ledger, limits.maxModelCalls(), limits.tokenBudget()));
        chain.add(new ModelTracing(trace, inputs));
        chain.add(new UsageRecorder(ledger, call -> listeners.forEach(l -> l.onModelCall(runId, call))));
        if (runPrefetch != null) {
            chain.add(runPrefetch);
        }
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
        private Prefetch prefetch;
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

        public Builder tool(Tool tool) {
            if (given(tool, "tool")) {
                tools.add(tool);
            }
            return this;
        }

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
                } catch (IllegalArgumentException | NullPointerException e) {
                    problems.add(e.getMessage());
                }
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

        public Builder systemPrompt(String systemPrompt) {
            if (given(systemPrompt, "systemPrompt")) {
                this.systemPrompt = systemPrompt;
            }
            return this;
        }

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

        /** Decides on side-effecting tool calls; the default refuses them all. */
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

        /** Starts this tool call with every run; see {@link Prefetch}. Off by default. */
        public Builder prefetch(Prefetch prefetch) {
            if (given(prefetch, "prefetch")) {
                this.prefetch = prefetch;
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
            if (prefetch != null
                    && registry != null
                    && registry.find(prefetch.toolName()).isEmpty()) {
                all.add("the prefetch calls tool '" + prefetch.toolName() + "', which is not registered; known: "
                        + registry.names());
            }
            StepScheduler scheduler = null;
            try {
                scheduler = steps.build();
            } catch (ConfigurationException e) {
                all.add(e.getMessage());
            }
            if (!all.isEmpty()) {
                throw new ConfigurationException("the agent cannot be built: " + String.join("; ", all));
            }
            return new Agent(this, registry, scheduler);
        }
    }
}
