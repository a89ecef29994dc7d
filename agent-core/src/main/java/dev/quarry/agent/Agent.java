package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.ApprovalGate;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.AnnotatedTools;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A tool-using agent: give it a task, it plans steps with the model, runs every step whose inputs are
 * ready at once, shows the model the results, and repeats until the model answers or a limit is reached.
 *
 * <pre>{@code
 * Agent agent = Agent.builder()
 *         .model(ClaudeOnBedrock.builder().modelId("...").build().chatModel())
 *         .tools(AnnotatedTools.from(new MyTools()))
 *         .build();
 * AgentResult result = agent.run("Compare the populations of Lyon and Nice");
 * }</pre>
 *
 * <p>An agent is immutable and thread-safe: any number of runs may go on at once. Each run owns its steps'
 * threads and stops them all before {@link #run} returns or throws. For a conversation that remembers
 * earlier turns, use {@link #session()}.
 */
public final class Agent {

    /** Longest task accepted, in characters. */
    public static final int MAX_TASK_CHARS = 200_000;

    /** Id of the step that searches for the task while the first model call is in flight. */
    public static final String PREFETCH_STEP_ID = "prefetch";

    private final ChatModel model;
    private final StreamingChatModel streamingModel;
    private final Planner planner;
    private final ToolRegistry tools;
    private final Limits limits;
    private final String systemPrompt;
    private final List<AgentListener> listeners;
    private final StepScheduler scheduler;
    private final RetryPolicy modelRetry;
    private final boolean prefetch;

    private Agent(Builder builder) {
        this.model = builder.model;
        this.streamingModel = builder.streamingModel;
        this.planner = builder.planner;
        this.tools = new ToolRegistry(builder.tools);
        this.limits = builder.limits;
        this.systemPrompt = builder.systemPrompt;
        this.listeners = List.copyOf(builder.listeners);
        this.modelRetry = builder.modelRetry;
        StepScheduler.Builder scheduler = StepScheduler.builder()
                .maxConcurrency(builder.maxConcurrency)
                .interceptor(new ApprovalGate(builder.approvalHandler));
        builder.interceptors.forEach(scheduler::interceptor);
        listeners.forEach(scheduler::listener);
        this.scheduler = scheduler.build();
        this.prefetch = builder.prefetch && prefetchable(tools);
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

    Outcome run(String task, List<ChatMessage> history, ToolRegistry runTools) {
        Objects.requireNonNull(task, "task");
        if (task.isBlank()) {
            throw new IllegalArgumentException("task must not be blank");
        }
        if (task.length() > MAX_TASK_CHARS) {
            throw new IllegalArgumentException(
                    "task is " + task.length() + " characters; the limit is " + MAX_TASK_CHARS);
        }
        String runId = UUID.randomUUID().toString().substring(0, 8);
        List<ChatMessage> conversation = new ArrayList<>();
        if (!systemPrompt.isBlank()) {
            conversation.add(SystemMessage.from(systemPrompt));
        }
        conversation.addAll(history);
        conversation.add(UserMessage.from(task));
        listeners.forEach(l -> l.onRunStart(runId, task));
        try (AgentRun run = new AgentRun(
                runId,
                task,
                conversation,
                systemPrompt,
                runTools,
                limits,
                model,
                streamingModel,
                scheduler,
                modelRetry,
                listeners)) {
            if (prefetch && runTools.find("search").isPresent()) {
                run.prefetch(Step.of(
                        PREFETCH_STEP_ID,
                        "search",
                        JsonNodeFactory.instance.objectNode().put("query", task)));
            }
            while (true) {
                Optional<String> answer = planner.round(run);
                if (answer.isPresent()) {
                    AgentResult result = run.result(answer.get());
                    listeners.forEach(l -> l.onRunEnd(runId, result));
                    return new Outcome(result, List.copyOf(conversation));
                }
            }
        } catch (QuarryException e) {
            listeners.forEach(l -> l.onRunFailed(runId, e));
            throw e;
        }
    }

    private static boolean prefetchable(ToolRegistry tools) {
        return tools.find("search")
                .map(t -> t.specification().parameters())
                .map(p -> p.properties().get("query") instanceof JsonStringSchema)
                .orElse(false);
    }

    /** Configures an {@link Agent}. A model is required; everything else has a default. */
    public static final class Builder {
        private ChatModel model;
        private StreamingChatModel streamingModel;
        private Planner planner = Planner.toolUse();
        private final List<Tool> tools = new ArrayList<>();
        private Limits limits = Limits.DEFAULT;
        private String systemPrompt = "";
        private final List<AgentListener> listeners = new ArrayList<>();
        private final List<StepInterceptor> interceptors = new ArrayList<>();
        private ApprovalHandler approvalHandler = ApprovalHandler.denyAll();
        private int maxConcurrency = 256;
        private RetryPolicy modelRetry = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));
        private boolean prefetch = true;

        private Builder() {}

        /** The model for blocking calls (required unless a streaming model is set, which is then used alone). */
        public Builder model(ChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * A streaming model: steps are dispatched as soon as each tool call (or plan line) is complete in the
         * stream. Planners use it for every call when set.
         */
        public Builder streamingModel(StreamingChatModel streamingModel) {
            this.streamingModel = Objects.requireNonNull(streamingModel, "streamingModel");
            return this;
        }

        /** How tasks become steps; default {@link Planner#toolUse()}. */
        public Builder planner(Planner planner) {
            this.planner = Objects.requireNonNull(planner, "planner");
            return this;
        }

        public Builder tool(Tool tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        public Builder tools(List<? extends Tool> more) {
            more.forEach(this::tool);
            return this;
        }

        /** Adds every {@code @Tool} method of each object as a tool. */
        public Builder toolsFrom(Object... objects) {
            for (Object object : objects) {
                tools(AnnotatedTools.from(object));
            }
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder systemPrompt(String systemPrompt) {
            this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
            return this;
        }

        public Builder listener(AgentListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Adds a step interceptor; it runs after the approval gate. */
        public Builder stepInterceptor(StepInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Decides on side-effecting tool calls; the default refuses them all. */
        public Builder approvalHandler(ApprovalHandler handler) {
            this.approvalHandler = Objects.requireNonNull(handler, "approvalHandler");
            return this;
        }

        /** Most steps running at once across this agent's runs; default 256. */
        public Builder maxConcurrency(int max) {
            this.maxConcurrency = max;
            return this;
        }

        /**
         * Attempts per model call on throttling and server errors, with exponential backoff and jitter, never
         * past the run's deadline. This is the only retry layer: configure the model client itself with no
         * retries ({@code ClaudeOnBedrock} does). Default 4 attempts, backoff from 200 ms up to 5 s.
         */
        public Builder modelRetry(RetryPolicy retry) {
            this.modelRetry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * Whether to start a search for the task itself while the first model call is in flight (when a tool
         * named {@code search} with a string {@code query} is registered); an identical search the model asks
         * for is then answered from it. Default on.
         */
        public Builder prefetch(boolean prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        public Agent build() {
            if (model == null && streamingModel == null) {
                throw new ConfigurationException("an Agent needs a model: call model(...) or streamingModel(...)");
            }
            return new Agent(this);
        }
    }
}
