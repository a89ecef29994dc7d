package dev.quarry.agent;

import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.error.RunCancelledException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The callback form of a streamed run: subscribe, hand every event to a consumer, return the result. */
final class RunStreams {

    private static final Logger LOG = LoggerFactory.getLogger(RunStreams.class);

    private RunStreams() {}

    /**
     * Subscribes to {@code run} with unbounded demand, passes each event to {@code onEvent} (an exception it
     * throws is logged; the run goes on), and waits for the run's result. Interrupting the waiting thread
     * cancels the run.
     */
    static AgentResult collect(Flow.Publisher<RunEvent> run, Consumer<RunEvent> onEvent) {
        CompletableFuture<AgentResult> done = new CompletableFuture<>();
        CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
        run.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscribed.complete(subscription);
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(RunEvent event) {
                try {
                    onEvent.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "a run event consumer failed on {}; the run goes on",
                            event.getClass().getSimpleName(),
                            e);
                }
                switch (event) {
                    case RunEvent.Finished finished -> done.complete(finished.result());
                    case RunEvent.Failed failed -> done.completeExceptionally(failed.error());
                    default -> {}
                }
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                done.completeExceptionally(new IllegalStateException("the run's stream ended without a result"));
            }
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            subscribed.thenAccept(Flow.Subscription::cancel);
            Thread.currentThread().interrupt();
            throw new RunCancelledException("the thread waiting for a streamed run was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof QuarryException quarry) {
                throw quarry;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
