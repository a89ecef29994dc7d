package dev.quarry.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.bedrock.BedrockTokenUsage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.TokenUsage;
import dev.quarry.agent.plan.PlanningContext;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.trace.Span;
import dev.quarry.agent.trace.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of an {@link Agent}: the {@link PlanningContext} its planner works with. Applies the run's limits,
 * the model retry policy and the deadline to every model call, records usage and the trace, and owns the
 * threads of the run (closing it stops them all).
 */
final class AgentRun implements PlanningContext, AutoCloseable {

    private Prefetch prefetch;
    private boolean prefetchUsed;
    private final String runId;
    private final String task;
    private final List<ChatMessage> conversation;
    private final String systemPrompt;
    private final ToolRegistry tools;
    private final Limits limits;
    private final ChatModel model;
    private final StreamingChatModel streamingModel;
    private final RetryPolicy modelRetry;
    private final List<AgentListener> listeners;
    private final long deadlineNanos;
    private final Trace trace;
    private final StepScheduler.Run steps;
    private final ExecutorService modelThreads;
    private final List<Usage.ModelCall> calls = new ArrayList<>();
    private final List<CompletableFuture<StepResult>> submitted = new ArrayList<>();
    private final List<String> unreadInputs = new ArrayList<>();
    private final AtomicInteger stepCount = new AtomicInteger();
    private long tokens;

    AgentRun(
            String runId,
            String task,
            List<ChatMessage> conversation,
            String systemPrompt,
            ToolRegistry tools,
            Limits limits,
            ChatModel model,
            StreamingChatModel streamingModel,
            StepScheduler scheduler,
            RetryPolicy modelRetry,
            List<AgentListener> listeners) {
        this.runId = runId;
        this.task = task;
        this.conversation = conversation;
        this.systemPrompt = systemPrompt;
        this.tools = tools;
        this.limits = limits;
        this.model = model;
        this.streamingModel = streamingModel;
        this.modelRetry = modelRetry;
        this.listeners = listeners;
        this.deadlineNanos = System.nanoTime() + limits.deadline().toNanos();
        this.trace = new Trace(runId);
        this.steps = scheduler.open(runId, tools, deadlineNanos, model, List.of(trace));
        this.modelThreads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("quarry-" + runId + "-model-", 0).factory());
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
        if (model == null) {
            return stream(purpose, request, (id, call) -> {}, (id, text) -> {});
        }
        String id = beginModelCall();
        long start = trace.now();
        for (int attempt = 1; ; attempt++) {
            Future<ChatResponse> call = modelThreads.submit(() -> model.chat(request));
            try {
                ChatResponse response = call.get(remainingNanos(), TimeUnit.NANOSECONDS);
                return endModelCall(id, purpose, start, attempt, response);
            } catch (TimeoutException e) {
                call.cancel(true);
                throw deadline("a model call (" + purpose + ") was still running at the run's deadline");
            } catch (InterruptedException e) {
                call.cancel(true);
                Thread.currentThread().interrupt();
                throw new RunCancelledException("run " + runId + " was interrupted during a model call");
            } catch (ExecutionException e) {
                backoffOrThrow(purpose, attempt, e.getCause());
            }
        }
    }

    @Override
    public ModelTurn stream(String purpose, ChatRequest request, ToolCallSink onToolCall, TextSink onText) {
        if (streamingModel == null) {
            ModelTurn turn = chat(purpose, request);
            String text = turn.response().aiMessage().text();
            if (text != null) {
                onText.accept(turn.id(), text);
            }
            if (turn.response().aiMessage().hasToolExecutionRequests()) {
                turn.response().aiMessage().toolExecutionRequests().forEach(c -> onToolCall.accept(turn.id(), c));
            }
            return turn;
        }
        String id = beginModelCall();
        long start = trace.now();
        for (int attempt = 1; ; attempt++) {
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            AtomicBoolean dispatched = new AtomicBoolean();
            AtomicReference<RuntimeException> callbackError = new AtomicReference<>();
            streamingModel.chat(request, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String text) {
                    guard(() -> onText.accept(id, text));
                }

                @Override
                public void onCompleteToolCall(CompleteToolCall call) {
                    dispatched.set(true);
                    guard(() -> onToolCall.accept(id, call.toolExecutionRequest()));
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }

                private void guard(Runnable callback) {
                    try {
                        callback.run();
                    } catch (RuntimeException e) {
                        callbackError.compareAndSet(null, e);
                    }
                }
            });
            try {
                ChatResponse response = done.get(remainingNanos(), TimeUnit.NANOSECONDS);
                if (callbackError.get() != null) {
                    throw callbackError.get();
                }
                return endModelCall(id, purpose, start, attempt, response);
            } catch (TimeoutException e) {
                throw deadline("a streaming model call (" + purpose + ") was still running at the run's deadline");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunCancelledException("run " + runId + " was interrupted during a model call");
            } catch (ExecutionException e) {
                if (callbackError.get() != null) {
                    throw callbackError.get();
                }
                if (dispatched.get()) {
                    // steps from this turn are already running: replaying the turn could run them twice
                    throw new ModelCallException(
                            "the model stream (" + purpose + ") broke after tool calls were dispatched: "
                                    + e.getCause().getMessage(),
                            attempt,
                            e.getCause());
                }
                backoffOrThrow(purpose, attempt, e.getCause());
            }
        }
    }

    private synchronized String beginModelCall() {
        if (calls.size() + 1 > limits.maxModelCalls()) {
            throw new LimitExceededException("the run reached its limit of " + limits.maxModelCalls()
                    + " model calls without an answer; raise Limits.maxModelCalls or simplify the task");
        }
        if (tokens >= limits.tokenBudget()) {
            throw new LimitExceededException("the run used " + tokens + " tokens, its budget is " + limits.tokenBudget()
                    + "; raise Limits.tokenBudget or simplify the task");
        }
        return "model-" + (calls.size() + 1);
    }

    private void backoffOrThrow(String purpose, int attempt, Throwable cause) {
        boolean retriable = cause instanceof RetriableException;
        if (!retriable || attempt >= modelRetry.maxAttempts()) {
            String advice = retriable ? " (gave up after " + attempt + " attempts)" : "";
            throw new ModelCallException(
                    "model call (" + purpose + ") failed" + advice + ": " + describe(cause), attempt, cause);
        }
        long backoff = modelRetry.backoffAfter(attempt).toNanos();
        if (backoff >= remainingNanos()) {
            throw deadline("retrying the model call (" + purpose + ") after " + attempt
                    + " attempts would pass the run's deadline; last error: " + describe(cause));
        }
        try {
            TimeUnit.NANOSECONDS.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException("run " + runId + " was interrupted while backing off");
        }
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private ModelTurn endModelCall(String id, String purpose, long start, int attempts, ChatResponse response) {
        long end = trace.now();
        TokenUsage usage = response.tokenUsage();
        long input = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long output = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        long cacheRead = 0;
        long cacheWrite = 0;
        if (usage instanceof BedrockTokenUsage bedrock) {
            cacheRead = bedrock.cacheReadInputTokens() == null ? 0 : bedrock.cacheReadInputTokens();
            cacheWrite = bedrock.cacheWriteInputTokens() == null ? 0 : bedrock.cacheWriteInputTokens();
        }
        Usage.ModelCall call =
                new Usage.ModelCall(id, input, output, cacheRead, cacheWrite, attempts, Duration.ofNanos(end - start));
        List<String> inputs;
        synchronized (this) {
            calls.add(call);
            tokens += input + output + cacheRead + cacheWrite;
            inputs = List.copyOf(unreadInputs);
            unreadInputs.clear();
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("inputTokens", input);
        attributes.put("outputTokens", output);
        attributes.put("cacheReadTokens", cacheRead);
        trace.add(new Span(id, Span.Kind.MODEL, purpose, start, end, "OK", attempts, inputs, attributes));
        listeners.forEach(l -> l.onModelCall(runId, call));
        return new ModelTurn(id, response);
    }

    /** Starts the retrieval prefetch; planners take it with {@link #takePrefetch()}. */
    void prefetch(Step search) {
        CompletableFuture<StepResult> result = submit(search, null);
        synchronized (this) {
            prefetch = new Prefetch(search, result);
        }
    }

    @Override
    public synchronized void prefetchUsed() {
        prefetchUsed = true;
    }

    @Override
    public synchronized Optional<Prefetch> takePrefetch() {
        Optional<Prefetch> taken = Optional.ofNullable(prefetch);
        prefetch = null;
        return taken;
    }

    @Override
    public CompletableFuture<StepResult> submit(Step step, String plannedBy) {
        if (stepCount.incrementAndGet() > limits.maxSteps()) {
            throw new LimitExceededException("the run reached its limit of " + limits.maxSteps()
                    + " steps without an answer; raise Limits.maxSteps or simplify the task");
        }
        if (plannedBy != null) {
            trace.stepPlannedBy(step.id(), plannedBy);
        }
        CompletableFuture<StepResult> future = steps.submit(step);
        synchronized (this) {
            submitted.add(future);
        }
        return future;
    }

    @Override
    public CompletableFuture<StepResult> reject(StepResult rejected) {
        CompletableFuture<StepResult> future = CompletableFuture.completedFuture(rejected);
        synchronized (this) {
            submitted.add(future);
        }
        return future;
    }

    @Override
    public List<StepResult> await(List<CompletableFuture<StepResult>> futures) {
        List<StepResult> results = steps.await(futures);
        synchronized (this) {
            results.forEach(r -> unreadInputs.add(r.stepId()));
        }
        return results;
    }

    private long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    private DeadlineExceededException deadline(String what) {
        steps.cancel();
        return new DeadlineExceededException(
                "run " + runId + " passed its deadline of " + limits.deadline().toMillis() + " ms: " + what);
    }

    AgentResult result(String answer) {
        trace.finish();
        List<StepResult> results = new ArrayList<>();
        Map<String, Citation> citations = new LinkedHashMap<>();
        synchronized (this) {
            for (CompletableFuture<StepResult> future : submitted) {
                StepResult result = future.getNow(null);
                if (result != null) {
                    results.add(result);
                    // a prefetch the model was never given is not a source of the answer
                    boolean source = prefetchUsed || !result.stepId().equals(Agent.PREFETCH_STEP_ID);
                    if (result.status().succeeded() && source) {
                        result.citations().forEach(c -> citations.putIfAbsent(c.label(), c));
                    }
                }
            }
        }
        return new AgentResult(answer, List.copyOf(citations.values()), results, new Usage(calls), trace);
    }

    @Override
    public void close() {
        steps.close();
        modelThreads.shutdownNow();
        try {
            modelThreads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
