package dev.quarry.agent.schedule;

import com.fasterxml.jackson.core.JacksonException;
import dev.langchain4j.exception.RetriableException;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The end of the step chain (one per run): takes the global and the tool's concurrency permits, runs the
 * tool on an isolated platform thread of the scheduler's {@link ToolThreads}, and waits for it no longer
 * than the tool's timeout and the run's deadline.
 *
 * <p>A tool that spins on the CPU or blocks without answering interruption keeps only its own platform
 * thread busy: the virtual threads of the scheduler, the model calls and every other run go on. Its permits
 * are released when its thread really ends, so concurrency limits count attempts still running.
 */
final class ToolExecution implements StepInterceptor.Chain {

    private final ToolThreads threads;
    private final RunningAttempts running;
    private final Function<String, ToolContext> contexts;
    private final Set<Future<?>> live = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    ToolExecution(ToolThreads threads, RunningAttempts running, Function<String, ToolContext> contexts) {
        this.threads = threads;
        this.running = running;
        this.contexts = contexts;
    }

    @Override
    public StepResult proceed(StepInterceptor.StepCall call) throws InterruptedException {
        Step step = call.step();
        Tool tool = call.tool();
        Semaphore global = threads.global();
        Semaphore perTool = threads.perTool(tool);
        // a speculative call never waits for a permit, so it never queues ahead of a call someone asked for
        long wait = step.speculative() ? 0 : call.deadline().remainingNanos();
        if (!global.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
            return notRun(step);
        }
        if (!perTool.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
            global.release();
            return notRun(step);
        }
        running.started(step.id());
        Future<ToolResult> attempt;
        try {
            ToolContext context = contexts.apply(step.id());
            attempt = threads.pool().submit(() -> {
                try {
                    return tool.execute(step.arguments(), context);
                } finally {
                    perTool.release();
                    global.release();
                    running.ended(step.id());
                }
            });
        } catch (RejectedExecutionException e) {
            perTool.release();
            global.release();
            running.ended(step.id());
            throw new IllegalStateException("the tool thread pool refused a step; this is a bug", e);
        }
        live.add(attempt);
        long timeout = tool.policy().timeout().toNanos();
        long remaining = call.deadline().remainingNanos();
        try {
            return StepResult.of(step, attempt.get(Math.min(timeout, remaining), TimeUnit.NANOSECONDS), 1);
        } catch (TimeoutException e) {
            attempt.cancel(true);
            if (remaining <= timeout) {
                return StepResult.failed(
                        step, StepStatus.CANCELLED, "Stopped: the run's deadline passed while it ran.", 1);
            }
            throw new RetryableFailure(StepResult.failed(
                    step,
                    StepStatus.TIMED_OUT,
                    "The tool " + tool.name() + " did not finish within "
                            + tool.policy().timeout().toMillis() + " ms.",
                    1));
        } catch (InterruptedException e) {
            attempt.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cancelled || cause instanceof InterruptedException) {
                return StepResult.failed(step, StepStatus.CANCELLED, "Stopped: the run was cancelled.", 1);
            }
            StepResult failed = StepResult.failed(step, StepStatus.FAILED, describe(cause), 1);
            if (isTransient(cause)) {
                throw new RetryableFailure(failed);
            }
            return failed;
        } finally {
            live.remove(attempt);
        }
    }

    /** Interrupts every attempt still running. */
    void cancel() {
        cancelled = true;
        live.forEach(f -> f.cancel(true));
    }

    private static StepResult notRun(Step step) {
        return StepResult.failed(
                step,
                StepStatus.CANCELLED,
                step.speculative()
                        ? "Not run: no free concurrency permit for a speculative call."
                        : "Not run: the run's deadline passed.",
                0);
    }

    /** Worth another try; never a serialization or validation failure, which would fail the same way again. */
    private static boolean isTransient(Throwable cause) {
        if (cause instanceof JacksonException) {
            return false;
        }
        return (cause instanceof ToolException t && t.isTransient())
                || cause instanceof IOException
                || cause instanceof UncheckedIOException
                || cause instanceof TimeoutException
                || cause instanceof RetriableException;
    }

    /** What the model reads of a failure: the exception's message, as AiServices sends it (or its type). */
    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message != null && !message.isBlank()
                ? message
                : cause.getClass().getSimpleName();
    }
}
