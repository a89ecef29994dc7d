package dev.quarry.agent.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.DeadlineExceededException;
import dev.quarry.agent.RunCancelledException;
import dev.quarry.agent.tool.ArgumentValidator;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.tool.ToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a graph of steps eagerly: each step starts on its own virtual thread the moment the steps it depends
 * on have finished. It enforces a global and a per-tool concurrency limit, each tool's timeout, the run's
 * deadline, bounded retries of idempotent tools on transient failures, and executes identical calls
 * (same tool, same resolved arguments) once per run. It knows nothing about models.
 *
 * <p>A {@link Run} is the lifetime of one agent run: steps are {@linkplain Run#submit submitted} to it,
 * possibly while earlier ones are running (streaming planners submit as the model writes), and
 * {@linkplain Run#close closing} it cancels and joins every thread it started, so nothing outlives the run.
 *
 * <p>A scheduler is thread-safe and meant to be shared by many runs; its limits apply across them.
 */
public final class StepScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(StepScheduler.class);
    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Semaphore global;
    private final int maxConcurrency;
    private final Map<String, Semaphore> perTool = new ConcurrentHashMap<>();
    private final RetryPolicy retry;
    private final List<StepInterceptor> interceptors;
    private final List<StepListener> listeners;
    private final boolean deduplicate;
    private final int maxResultChars;

    private StepScheduler(Builder builder) {
        this.maxConcurrency = builder.maxConcurrency;
        this.global = new Semaphore(builder.maxConcurrency, true);
        this.retry = builder.retry;
        this.interceptors = List.copyOf(builder.interceptors);
        this.listeners = List.copyOf(builder.listeners);
        this.deduplicate = builder.deduplicate;
        this.maxResultChars = builder.maxResultChars;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The global concurrency limit. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /**
     * Opens a run.
     *
     * @param runId identifier used in listeners, tool contexts and thread names
     * @param tools the tools steps may call
     * @param deadlineNanos {@link System#nanoTime()} value after which nothing new starts and waits end
     * @param model the run's model, offered to tools through {@link ToolContext#model()}; may be null
     * @param extraListeners listeners for this run only (a trace)
     */
    public Run open(
            String runId, ToolRegistry tools, long deadlineNanos, ChatModel model, List<StepListener> extraListeners) {
        return new Run(runId, tools, deadlineNanos, model, extraListeners);
    }

    /** Configures a {@link StepScheduler}. */
    public static final class Builder {
        private int maxConcurrency = 256;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private final List<StepInterceptor> interceptors = new ArrayList<>();
        private final List<StepListener> listeners = new ArrayList<>();
        private boolean deduplicate = true;
        private int maxResultChars = 20_000;

        private Builder() {}

        /** Most steps running at once across all runs; default 256. */
        public Builder maxConcurrency(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrency must be >= 1");
            }
            this.maxConcurrency = max;
            return this;
        }

        /** Retries of idempotent tools on transient failures; default 3 attempts. */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry);
            return this;
        }

        /** Adds an interceptor; interceptors run in the order added, outermost first. */
        public Builder interceptor(StepInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor));
            return this;
        }

        public Builder listener(StepListener listener) {
            listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /** Whether identical calls in one run execute once; default true. */
        public Builder deduplicate(boolean deduplicate) {
            this.deduplicate = deduplicate;
            return this;
        }

        /** Tool output longer than this is cut, with a marker saying so; default 20,000 characters. */
        public Builder maxResultChars(int max) {
            if (max < 100) {
                throw new IllegalArgumentException("maxResultChars must be >= 100");
            }
            this.maxResultChars = max;
            return this;
        }

        public StepScheduler build() {
            return new StepScheduler(this);
        }
    }

    /** The steps of one agent run. Close it when the run ends. */
    public final class Run implements AutoCloseable {
        private final String runId;
        private final ToolRegistry tools;
        private final long deadlineNanos;
        private final ChatModel model;
        private final List<StepListener> runListeners;
        private final ExecutorService executor;
        private final Map<String, CompletableFuture<StepResult>> futures = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<StepResult>> calls = new ConcurrentHashMap<>();
        private volatile boolean closed;

        private Run(String runId, ToolRegistry tools, long deadlineNanos, ChatModel model, List<StepListener> extra) {
            this.runId = runId;
            this.tools = tools;
            this.deadlineNanos = deadlineNanos;
            this.model = model;
            List<StepListener> all = new ArrayList<>(listeners);
            all.addAll(extra);
            this.runListeners = List.copyOf(all);
            this.executor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("quarry-" + runId + "-", 0).factory());
        }

        public String runId() {
            return runId;
        }

        public long deadlineNanos() {
            return deadlineNanos;
        }

        /**
         * Schedules a step: it starts as soon as the steps it depends on have finished (at once when it has
         * none). A dependency on an id never submitted makes the step {@link StepStatus#SKIPPED}.
         *
         * @throws IllegalArgumentException if a step with this id was already submitted
         */
        public CompletableFuture<StepResult> submit(Step step) {
            if (closed) {
                throw new IllegalStateException("run " + runId + " is closed");
            }
            List<CompletableFuture<StepResult>> dependencies = new ArrayList<>();
            for (String id : step.dependsOn()) {
                CompletableFuture<StepResult> dependency = futures.get(id);
                if (dependency == null) {
                    CompletableFuture<StepResult> skipped = CompletableFuture.completedFuture(StepResult.failed(
                            step,
                            StepStatus.SKIPPED,
                            "Not run: it depends on step " + id + ", which does not exist.",
                            0));
                    register(step, skipped);
                    return skipped;
                }
                dependencies.add(dependency);
            }
            CompletableFuture<StepResult> future = CompletableFuture.allOf(
                            dependencies.toArray(CompletableFuture[]::new))
                    .handle((ignored, error) -> null)
                    .thenApplyAsync(ignored -> runStep(step, dependencies), executor)
                    .exceptionally(error ->
                            StepResult.failed(step, StepStatus.CANCELLED, "Not run: the run was cancelled.", 0));
            register(step, future);
            return future;
        }

        private void register(Step step, CompletableFuture<StepResult> future) {
            if (futures.putIfAbsent(step.id(), future) != null) {
                throw new IllegalArgumentException("step id " + step.id() + " was already used in run " + runId);
            }
        }

        /** Submits the steps and waits for all of them; results in the order of {@code steps}. */
        public List<StepResult> execute(List<Step> steps) {
            Map<String, CompletableFuture<StepResult>> byId = new HashMap<>();
            for (Step step : topologicalOrder(steps)) {
                byId.put(step.id(), submit(step));
            }
            return await(steps.stream().map(s -> byId.get(s.id())).toList());
        }

        /**
         * The steps with each one's listed dependencies before it (Kahn's algorithm, linear in steps and edges);
         * steps on a cycle come last, in their given order, and fail when submitted.
         */
        private static List<Step> topologicalOrder(List<Step> steps) {
            Map<String, Integer> unmet = new HashMap<>();
            Map<String, List<Step>> dependents = new HashMap<>();
            Set<String> listed = new HashSet<>();
            steps.forEach(s -> listed.add(s.id()));
            for (Step step : steps) {
                int count = 0;
                for (String dependency : new HashSet<>(step.dependsOn())) {
                    if (listed.contains(dependency)) {
                        count++;
                        dependents
                                .computeIfAbsent(dependency, d -> new ArrayList<>())
                                .add(step);
                    }
                }
                unmet.put(step.id(), count);
            }
            List<Step> order = new ArrayList<>(steps.size());
            ArrayDeque<Step> ready = new ArrayDeque<>();
            steps.stream().filter(s -> unmet.get(s.id()) == 0).forEach(ready::add);
            Set<String> emitted = new HashSet<>();
            while (!ready.isEmpty()) {
                Step step = ready.poll();
                order.add(step);
                emitted.add(step.id());
                for (Step dependent : dependents.getOrDefault(step.id(), List.of())) {
                    if (unmet.merge(dependent.id(), -1, Integer::sum) == 0) {
                        ready.add(dependent);
                    }
                }
            }
            steps.stream().filter(s -> !emitted.contains(s.id())).forEach(order::add);
            return order;
        }

        /**
         * Waits for the futures in order, until the run's deadline.
         *
         * @throws DeadlineExceededException the deadline passed first (the run is then cancelled)
         * @throws RunCancelledException the waiting thread was interrupted (the run is then cancelled)
         */
        public List<StepResult> await(List<CompletableFuture<StepResult>> submitted) {
            List<StepResult> results = new ArrayList<>(submitted.size());
            for (CompletableFuture<StepResult> future : submitted) {
                try {
                    results.add(future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    cancel();
                    throw new DeadlineExceededException("run " + runId + " passed its deadline waiting for steps");
                } catch (InterruptedException e) {
                    cancel();
                    Thread.currentThread().interrupt();
                    throw new RunCancelledException("run " + runId + " was interrupted");
                } catch (ExecutionException e) {
                    throw new IllegalStateException("step future failed unexpectedly", e.getCause());
                }
            }
            return results;
        }

        /** Stops every running step (interrupting its thread) and refuses new ones. */
        public void cancel() {
            closed = true;
            executor.shutdownNow();
        }

        /** Cancels what is still running and waits for every thread of the run to end. */
        @Override
        public void close() {
            cancel();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("run {}: a tool ignored interruption and is still running after 10 s", runId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private StepResult runStep(Step step, List<CompletableFuture<StepResult>> dependencies) {
            runListeners.forEach(l -> l.onStart(runId, step));
            StepResult result;
            try {
                result = resolveAndRun(step, dependencies);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = StepResult.failed(step, StepStatus.CANCELLED, "Stopped: the run was cancelled.", 0);
            }
            StepResult finished = result;
            runListeners.forEach(l -> l.onFinish(runId, step, finished));
            return finished;
        }

        private StepResult resolveAndRun(Step step, List<CompletableFuture<StepResult>> dependencies)
                throws InterruptedException {
            Map<String, String> inputs = new HashMap<>();
            for (CompletableFuture<StepResult> dependency : dependencies) {
                StepResult input = dependency.join();
                if (!input.status().succeeded()) {
                    return StepResult.failed(
                            step,
                            StepStatus.SKIPPED,
                            "Not run: step " + input.stepId() + " it depends on ended " + input.status() + ".",
                            0);
                }
                inputs.put(input.stepId(), input.text());
            }
            Step resolved =
                    new Step(step.id(), step.tool(), References.resolve(step.arguments(), inputs), step.dependsOn());
            Optional<Tool> tool = tools.find(step.tool());
            if (tool.isEmpty()) {
                return StepResult.failed(
                        step,
                        StepStatus.UNKNOWN_TOOL,
                        "There is no tool named '" + step.tool() + "'. Available tools: " + tools.names() + ".",
                        0);
            }
            List<String> violations = ArgumentValidator.validate(
                    resolved.arguments(), tool.get().specification().parameters());
            if (!violations.isEmpty()) {
                return StepResult.failed(
                        step,
                        StepStatus.INVALID_ARGUMENTS,
                        "Invalid arguments for " + step.tool() + ": " + String.join("; ", violations)
                                + ". Correct them and call the tool again.",
                        0);
            }
            StepInterceptor.StepCall call = new StepInterceptor.StepCall(runId, resolved, tool.get());
            return deduplicate ? once(call) : chain(0).proceed(call);
        }

        private StepResult once(StepInterceptor.StepCall call) throws InterruptedException {
            String key = call.tool().name() + " " + canonical(call.arguments());
            CompletableFuture<StepResult> mine = new CompletableFuture<>();
            CompletableFuture<StepResult> first = calls.putIfAbsent(key, mine);
            if (first != null) {
                try {
                    return first.get().sharedAs(call.step().id());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("shared step failed unexpectedly", e.getCause());
                }
            }
            try {
                StepResult result = chain(0).proceed(call);
                mine.complete(result);
                return result;
            } catch (InterruptedException | RuntimeException e) {
                mine.complete(StepResult.failed(call.step(), StepStatus.CANCELLED, "Stopped: " + e, 0));
                throw e;
            }
        }

        private StepInterceptor.Chain chain(int index) {
            if (index == interceptors.size()) {
                return this::callTool;
            }
            return call -> interceptors.get(index).intercept(call, chain(index + 1));
        }

        private StepResult callTool(StepInterceptor.StepCall call) throws InterruptedException {
            Tool tool = call.tool();
            Semaphore toolLimit = perTool.computeIfAbsent(
                    tool.name(), name -> new Semaphore(Math.min(tool.policy().maxConcurrency(), 1 << 20), true));
            global.acquire();
            try {
                toolLimit.acquire();
                try {
                    return attempts(call);
                } finally {
                    toolLimit.release();
                }
            } finally {
                global.release();
            }
        }

        private StepResult attempts(StepInterceptor.StepCall call) throws InterruptedException {
            Step step = call.step();
            Tool tool = call.tool();
            int maxAttempts = tool.policy().idempotent() ? retry.maxAttempts() : 1;
            StepResult last = null;
            for (int attempt = 1; attempt <= maxAttempts; attempt++) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return StepResult.failed(
                            step, StepStatus.CANCELLED, "Not run: the run's deadline passed.", attempt - 1);
                }
                long timeout = tool.policy().timeout().toNanos();
                boolean deadlineBound = remaining < timeout;
                ToolContext context = new RunToolContext(step.id());
                Future<ToolResult> running = executor.submit(() -> tool.execute(step.arguments(), context));
                boolean transientFailure;
                try {
                    return capped(StepResult.of(
                            step, running.get(Math.min(timeout, remaining), TimeUnit.NANOSECONDS), attempt));
                } catch (TimeoutException e) {
                    running.cancel(true);
                    if (deadlineBound) {
                        return StepResult.failed(
                                step,
                                StepStatus.CANCELLED,
                                "Stopped: the run's deadline passed while it ran.",
                                attempt);
                    }
                    last = StepResult.failed(
                            step,
                            StepStatus.TIMED_OUT,
                            "The tool " + tool.name() + " did not finish within "
                                    + tool.policy().timeout().toMillis() + " ms"
                                    + (attempt > 1 ? " (" + attempt + " attempts)" : "") + ".",
                            attempt);
                    transientFailure = true;
                } catch (InterruptedException e) {
                    running.cancel(true);
                    throw e;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (closed || cause instanceof InterruptedException) {
                        return StepResult.failed(
                                step, StepStatus.CANCELLED, "Stopped: the run was cancelled.", attempt);
                    }
                    last = StepResult.failed(
                            step,
                            StepStatus.FAILED,
                            "The tool " + tool.name() + " failed: " + describe(cause),
                            attempt);
                    transientFailure = isTransient(cause);
                }
                if (!transientFailure || attempt == maxAttempts) {
                    return last;
                }
                long backoff = retry.backoffAfter(attempt).toNanos();
                if (backoff >= deadlineNanos - System.nanoTime()) {
                    return last;
                }
                TimeUnit.NANOSECONDS.sleep(backoff);
            }
            return last;
        }

        private StepResult capped(StepResult result) {
            if (result.text().length() <= maxResultChars) {
                return result;
            }
            int cut = result.text().length() - maxResultChars;
            return new StepResult(
                    result.stepId(),
                    result.tool(),
                    result.status(),
                    result.text().substring(0, maxResultChars) + "\n[output truncated: " + cut
                            + " more characters not shown]",
                    result.citations(),
                    result.attempts(),
                    result.deduplicated());
        }

        private final class RunToolContext implements ToolContext {
            private final String stepId;

            RunToolContext(String stepId) {
                this.stepId = stepId;
            }

            @Override
            public String runId() {
                return runId;
            }

            @Override
            public String stepId() {
                return stepId;
            }

            @Override
            public Optional<ChatModel> model() {
                return Optional.ofNullable(model);
            }

            @Override
            public <T> List<T> parallel(List<? extends Callable<T>> tasks) throws Exception {
                List<Future<T>> running = new ArrayList<>(tasks.size());
                for (Callable<T> task : tasks) {
                    running.add(executor.submit(task));
                }
                List<T> results = new ArrayList<>(running.size());
                try {
                    for (Future<T> future : running) {
                        results.add(future.get());
                    }
                    return results;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                } finally {
                    running.forEach(f -> f.cancel(true));
                }
            }
        }
    }

    private static boolean isTransient(Throwable cause) {
        return (cause instanceof ToolException t && t.isTransient())
                || cause instanceof IOException
                || cause instanceof UncheckedIOException
                || cause instanceof TimeoutException;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause instanceof ToolException || message != null && !message.isBlank()
                ? (cause instanceof ToolException ? "" : cause.getClass().getSimpleName() + ": ") + message
                : cause.getClass().getSimpleName();
    }

    private static String canonical(ObjectNode arguments) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.convertValue(arguments, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise arguments", e);
        }
    }
}
