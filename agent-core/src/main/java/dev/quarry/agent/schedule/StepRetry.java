package dev.quarry.agent.schedule;

import java.util.concurrent.TimeUnit;

/**
 * Built-in step interceptor: an idempotent tool whose attempt failed transiently (an I/O error, a transient
 * {@link dev.quarry.agent.tool.ToolException}, a timeout) is tried again with backoff, within the policy's
 * attempts and never past the run's deadline. It never starts an attempt while an earlier attempt of the same
 * step is still running (a tool that ignored its interruption), so two copies of one call never run at once.
 */
final class StepRetry implements StepInterceptor {

    /** Least time an interrupted attempt is given to end before it counts as ignoring the interruption. */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final RetryPolicy policy;
    private final RunningAttempts running;

    StepRetry(RetryPolicy policy, RunningAttempts running) {
        this.policy = policy;
        this.running = running;
    }

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        int maxAttempts = call.tool().policy().idempotent() ? policy.maxAttempts() : 1;
        for (int attempt = 1; ; attempt++) {
            StepResult result;
            try {
                StepResult done = chain.proceed(call);
                // a call that never reached its tool (no permit before the deadline) made no attempt
                return done.attempts() == 0 ? done : done.withAttempts(attempt);
            } catch (RetryableFailure failure) {
                result = failure.result().withAttempts(attempt);
            }
            if (attempt >= maxAttempts) {
                return result;
            }
            long backoff = policy.backoffAfter(attempt).toNanos();
            if (backoff >= call.deadline().remainingNanos()) {
                return result;
            }
            // an interrupted attempt takes a moment to end; one still running when the backoff is over
            // ignored its interruption, and is not joined by a second copy
            long end = System.nanoTime() + backoff;
            if (!running.awaitStepEnded(call.step().id(), Math.max(backoff, SETTLE_NANOS))) {
                return result;
            }
            TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
        }
    }
}
