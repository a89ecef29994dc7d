package dev.quarry.agent.model;

import dev.langchain4j.exception.RetriableException;
import dev.quarry.agent.error.ModelCallException;
import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.error.RunCancelledException;
import dev.quarry.agent.schedule.RetryPolicy;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Built-in, innermost: the one retry layer. Throttling, server errors, connection resets, timeouts and
 * stalled streams are retried with exponential backoff and jitter, never past the run's deadline; a stream
 * that broke after one of its tool calls was dispatched is not (the model stage reports that as final, so
 * no side effect can run twice). A Quarry error (a configuration error found during the call, the deadline)
 * passes through as itself; any other failure becomes a {@link ModelCallException}.
 */
public final class ModelRetry implements ModelInterceptor {

    private final RetryPolicy policy;

    public ModelRetry(RetryPolicy policy) {
        this.policy = policy;
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        for (int attempt = 1; ; attempt++) {
            try {
                return chain.proceed(call).withAttempts(attempt);
            } catch (QuarryException e) {
                throw e;
            } catch (RuntimeException e) {
                boolean transientFailure = isTransient(e);
                if (!transientFailure || attempt >= policy.maxAttempts()) {
                    String advice = transientFailure ? " (gave up after " + attempt + " attempts)" : "";
                    throw new ModelCallException(
                            "model call (" + call.purpose() + ") failed" + advice + ": " + describe(e), attempt, e);
                }
                long backoff = policy.backoffAfter(attempt).toNanos();
                if (backoff >= call.deadline().remainingNanos()) {
                    throw call.deadline()
                            .exceeded("retrying a model call (" + call.purpose() + ") after " + attempt
                                    + " attempts; last error: " + describe(e));
                }
                pause(backoff, call);
            }
        }
    }

    /** Whether trying the same request again may succeed. */
    static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RetriableException || t instanceof IOException || t instanceof StreamStalledException) {
                return true;
            }
        }
        return false;
    }

    private static void pause(long nanos, ModelCall call) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException("run " + call.runId() + " was interrupted while backing off");
        }
    }

    static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
