package dev.quarry.agent.schedule;

import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.RunCancelledException;
import dev.quarry.agent.tool.ArgumentValidator;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolModels;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a graph of steps eagerly: each step starts the moment the steps it depends on have finished, and
 * passes through the {@link StepInterceptor} chain to its tool. The scheduler owns the graph (dependencies,
 * reference resolution, the global and per-tool concurrency limits, cancellation); everything around a
 * single call (deduplication, approval, truncation, retry, timeout) is an interceptor. It knows nothing
 * about models.
 *
 * <p>A {@link Run} is the lifetime of one agent run: steps are {@linkplain Run#submit submitted} to it,
 * possibly while earlier ones are running (streaming planners submit as the model writes), and
 * {@linkplain Run#close closing} it cancels everything still running.
 *
 * <p>A scheduler is thread-safe and meant to be shared by many runs; its limits apply across them.
 */
public final class StepScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(StepScheduler.class);

    /** How long {@link Run#close} waits for interrupted tools to end before it leaves them behind. */
    private static final long CLOSE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final int maxConcurrency;
    private final ToolThreads toolThreads;
    private final RetryPolicy retry;
    private final ApprovalHandler approvalHandler;
    private final List<StepInterceptor> interceptors;
    private final List<StepListener> listeners;
    private final boolean deduplicate;
    private final int maxResultChars;

    private StepScheduler(Builder builder) {
        this.maxConcurrency = builder.maxConcurrency;
        this.toolThreads = new ToolThreads(builder.maxConcurrency, builder.isolateTools);
        this.retry = builder.retry;
        this.approvalHandler = builder.approvalHandler;
        this.interceptors = List.copyOf(builder.interceptors);
        this.listeners = List.copyOf(builder.listeners);
        this.deduplicate = builder.deduplicate;
        this.maxResultChars = builder.maxResultChars;
    }

    /** A builder with the defaults: 256 steps at once, deduplication, isolated tools, a refusing approval handler. */
    public static Builder builder() {
        return new Builder();
    }

    /** The global concurrency limit. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Whether a run answers a repeated call (same tool, same arguments) with the first one's result. */
    public boolean deduplicates() {
        return deduplicate;
    }

    /**
     * Opens a run.
     *
     * @param runId identifier used in listeners, tool contexts and thread names
     * @param tools the tools steps may call
     * @param deadline after it nothing new starts and waits end
     * @param models the model lent to tools through {@link ToolContext#model()}
     * @param extraListeners listeners for this run only (a trace); they are told before the scheduler's
     */
    public Run open(
            String runId, ToolRegistry tools, Deadline deadline, ToolModels models, List<StepListener> extraListeners) {
        return open(runId, tools, deadline, models, extraListeners, StepJournal.NONE);
    }

    /**
     * Opens a run whose steps are journaled: a step {@code journal} has an outcome for answers from it without
     * running, and every outcome is recorded before the run uses it (see {@link StepJournal}).
     */
    public Run open(
            String runId,
            ToolRegistry tools,
            Deadline deadline,
            ToolModels models,
            List<StepListener> extraListeners,
            StepJournal journal) {
        return open(runId, tools, deadline, models, extraListeners, journal, List.of());
    }

    /**
     * Opens a journaled run whose steps also pass through {@code runInterceptors} (a run's guardrails), after
     * the scheduler's own interceptors and before truncation, retry and the timeout.
     */
    public Run open(
            String runId,
            ToolRegistry tools,
            Deadline deadline,
            ToolModels models,
            List<StepListener> extraListeners,
            StepJournal journal,
            List<StepInterceptor> runInterceptors) {
        return new Run(runId, tools, deadline, models, extraListeners, journal, runInterceptors);
    }

    /** Configures a {@link StepScheduler}. */
    public static final class Builder {
        private int maxConcurrency = 256;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private ApprovalHandler approvalHandler = ApprovalHandler.denyAll();
        private final List<StepInterceptor> interceptors = new ArrayList<>();
        private final List<StepListener> listeners = new ArrayList<>();
        private boolean deduplicate = true;
        private int maxResultChars = 20_000;
        private boolean isolateTools = true;

        private Builder() {}

        /**
         * Whether tool bodies run on isolated platform threads (default) or on virtual threads. Isolation keeps
         * a tool that spins on the CPU or ignores interruption from pinning the carrier threads every virtual
         * thread shares; it costs a thread hand-off per call (measured in docs/benchmarks.md). Turn it off
         * only for tools you trust to block on I/O alone and to stop when interrupted.
         */
        public Builder isolateTools(boolean isolate) {
            this.isolateTools = isolate;
            return this;
        }

        /** Most tool calls running at once across all runs; default 256. */
        public Builder maxConcurrency(int max) {
            this.maxConcurrency = max;
            return this;
        }

        /** Retries of idempotent tools on transient failures; default 3 attempts. */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Decides on side-effecting calls; the default refuses them all. */
        public Builder approvalHandler(ApprovalHandler handler) {
            this.approvalHandler = Objects.requireNonNull(handler, "approvalHandler");
            return this;
        }

        /** Adds an interceptor after the approval gate; users' interceptors run in the order added. */
        public Builder interceptor(StepInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Observes every step's start and end. */
        public Builder listener(StepListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Whether identical calls in one run execute once; default true. */
        public Builder deduplicate(boolean deduplicate) {
            this.deduplicate = deduplicate;
            return this;
        }

        /** Tool output longer than this is cut, with a marker saying so; default 20,000 characters. */
        public Builder maxResultChars(int max) {
            this.maxResultChars = max;
            return this;
        }

        /** @throws ConfigurationException for a limit out of range (the message names it) */
        public StepScheduler build() {
            if (maxConcurrency < 1) {
                throw new ConfigurationException("maxConcurrency must be >= 1, was " + maxConcurrency);
            }
            if (maxResultChars < 100) {
                throw new ConfigurationException("maxResultChars must be >= 100, was " + maxResultChars);
            }
            return new StepScheduler(this);
        }
    }

    /** The steps of one agent run. Close it when the run ends. */
    public final class Run implements AutoCloseable {
        private final String runId;
        private final ToolRegistry tools;
        private final Deadline deadline;
        private final List<StepListener> runListeners;
        private final ExecutorService executor;
        private final RunningAttempts running = new RunningAttempts();
        private final ToolExecution execution;
        private final StepInterceptor.Chain chain;
        private final Map<String, CompletableFuture<StepResult>> futures = new ConcurrentHashMap<>();
        private volatile boolean closed;

        private Run(
                String runId,
                ToolRegistry tools,
                Deadline deadline,
                ToolModels models,
                List<StepListener> extra,
                StepJournal journal,
                List<StepInterceptor> runInterceptors) {
            this.runId = runId;
            this.tools = tools;
            this.deadline = deadline;
            List<StepListener> all = new ArrayList<>(extra);
            all.addAll(listeners);
            this.runListeners = List.copyOf(all);
            this.executor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("quarry-" + runId + "-", 0).factory());
            this.execution =
                    new ToolExecution(toolThreads, running, stepId -> ToolContext.of(runId, stepId, models, executor));
            List<StepInterceptor> order = new ArrayList<>();
            if (journal != StepJournal.NONE) {
                order.add(journaled(journal));
            }
            if (deduplicate) {
                order.add(new Deduplication());
            }
            order.add(new ApprovalGate(approvalHandler, runListeners, journal));
            order.addAll(interceptors);
            order.addAll(runInterceptors);
            if (journal != StepJournal.NONE) {
                order.add((call, next) -> {
                    journal.start(call);
                    return next.proceed(call);
                });
            }
            order.add(new OutputTruncation(maxResultChars));
            order.add(new StepRetry(retry, running));
            this.chain = link(order, 0, execution);
        }

        /**
         * Outermost: a step an earlier process finished answers from the journal; an outcome the run will use
         * is recorded first. A cancelled step or one waiting for approval has no outcome yet.
         */
        private static StepInterceptor journaled(StepJournal journal) {
            return (call, next) -> {
                Optional<StepResult> earlier = journal.finished(call.step().id());
                if (earlier.isPresent()) {
                    return earlier.get();
                }
                StepResult result = next.proceed(call);
                if (result.status() != StepStatus.CANCELLED && result.status() != StepStatus.AWAITING_APPROVAL) {
                    journal.finish(result);
                }
                return result;
            };
        }

        private static StepInterceptor.Chain link(List<StepInterceptor> order, int index, StepInterceptor.Chain last) {
            if (index == order.size()) {
                return last;
            }
            StepInterceptor interceptor = order.get(index);
            StepInterceptor.Chain next = link(order, index + 1, last);
            return call -> interceptor.intercept(call, next);
        }

        /** The id of the run the call belongs to. */
        public String runId() {
            return runId;
        }

        /** The run's deadline. */
        public Deadline deadline() {
            return deadline;
        }

        /**
         * Schedules a step: it starts as soon as the steps it depends on have finished (at once when it has
         * none). A dependency on an id never submitted makes the step {@link StepStatus#SKIPPED}.
         *
         * @throws IllegalArgumentException if a step with this id was already submitted
         * @throws IllegalStateException if the run is closed
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

        /** Whether a step with this id was submitted to the run. */
        public boolean contains(String stepId) {
            return futures.containsKey(stepId);
        }

        private void register(Step step, CompletableFuture<StepResult> future) {
            if (futures.putIfAbsent(step.id(), future) != null) {
                throw new IllegalArgumentException("step id " + step.id() + " was already used in run " + runId);
            }
        }

        /** Submits the steps and waits for all of them; results in the order of {@code steps}. */
        public List<StepResult> execute(List<Step> steps) {
            Map<String, CompletableFuture<StepResult>> byId = new HashMap<>();
            for (Step step : TopologicalOrder.of(steps)) {
                byId.put(step.id(), submit(step));
            }
            return await(steps.stream().map(s -> byId.get(s.id())).toList());
        }

        /**
         * Waits for the futures in order. Either every result is in before the run's deadline, or this throws:
         * a result list never holds a step cut short by the deadline.
         *
         * @throws dev.quarry.agent.error.DeadlineExceededException the deadline passed first (the run is then
         *     cancelled)
         * @throws RunCancelledException the waiting thread was interrupted (the run is then cancelled)
         */
        public List<StepResult> await(List<CompletableFuture<StepResult>> submitted) {
            List<StepResult> results = new ArrayList<>(submitted.size());
            for (CompletableFuture<StepResult> future : submitted) {
                try {
                    results.add(future.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    cancel();
                    throw deadline.exceeded("waiting for steps");
                } catch (InterruptedException e) {
                    cancel();
                    Thread.currentThread().interrupt();
                    throw new RunCancelledException("run " + runId + " was interrupted");
                } catch (ExecutionException e) {
                    throw new IllegalStateException("step future failed unexpectedly", e.getCause());
                }
            }
            if (deadline.passed()) {
                cancel();
                throw deadline.exceeded("waiting for steps");
            }
            return results;
        }

        /** Stops every running step (interrupting its thread) and refuses new ones. */
        public void cancel() {
            closed = true;
            executor.shutdownNow();
            execution.cancel();
        }

        /**
         * Cancels what is still running and waits briefly for the interrupted tools to end. A tool that ignores
         * interruption is left to finish on its own thread (logged); it keeps its concurrency permits until
         * it does, so limits stay true, but it does not hold up the run.
         */
        @Override
        public void close() {
            cancel();
            try {
                long end = System.nanoTime() + CLOSE_GRACE_NANOS;
                boolean stepsEnded = executor.awaitTermination(CLOSE_GRACE_NANOS, TimeUnit.NANOSECONDS);
                boolean toolsEnded = running.awaitNone(Math.max(0, end - System.nanoTime()));
                if (!stepsEnded || !toolsEnded) {
                    LOG.warn(
                            "run {}: {} tool call(s) ignored interruption and still run; their permits are released"
                                    + " when they end",
                            runId,
                            running.total());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private StepResult runStep(Step step, List<CompletableFuture<StepResult>> dependencies) {
            runListeners.forEach(l -> l.onStart(runId, step));
            StepResult result;
            // listeners are told of the step as it ran: its references resolved to its inputs' results
            AtomicReference<Step> ran = new AtomicReference<>(step);
            try {
                result = resolveAndRun(step, dependencies, ran);
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                result = StepResult.failed(step, StepStatus.CANCELLED, "Stopped: the run was cancelled.", 0);
            } catch (dev.quarry.agent.error.DeadlineExceededException
                    | dev.quarry.agent.error.RunCancelledException e) {
                // the run is ending: the step stops with it, as before
                throw e;
            } catch (RuntimeException e) {
                // an interceptor (or a journal that cannot write) failed: a failed step that says why, never
                // a "cancelled" one
                LOG.warn("step {} of run {} failed in its interceptor chain", step.id(), runId, e);
                result = StepResult.failed(step, StepStatus.FAILED, "The step could not run: " + e.getMessage(), 0);
            }
            StepResult finished = result;
            Step asRun = ran.get();
            runListeners.forEach(l -> l.onFinish(runId, asRun, finished));
            return finished;
        }

        private StepResult resolveAndRun(
                Step step, List<CompletableFuture<StepResult>> dependencies, AtomicReference<Step> ran)
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
            Step resolved = new Step(
                    step.id(),
                    step.tool(),
                    References.resolve(step.arguments(), inputs),
                    step.dependsOn(),
                    step.speculative());
            ran.set(resolved);
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
            return chain.proceed(new StepInterceptor.StepCall(runId, resolved, tool.get(), deadline));
        }
    }
}
