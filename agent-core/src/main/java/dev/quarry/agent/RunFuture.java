package dev.quarry.agent;

import java.util.concurrent.CompletableFuture;

/**
 * The future of {@link Agent#runAsync}: completes with the run's result or its error; {@code cancel(true)}
 * (or {@code cancel(false)}: a run cannot be cancelled without stopping its steps) interrupts the run,
 * which stops every step it started before the run's thread ends.
 */
final class RunFuture extends CompletableFuture<AgentResult> {

    private volatile Thread runner;

    void runOn(Thread thread) {
        this.runner = thread;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Thread thread = runner;
        if (cancelled && thread != null) {
            thread.interrupt();
        }
        return cancelled;
    }

    /** Futures derived from this one ({@code thenApply}, ...) are plain; cancelling them does not stop the run. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
