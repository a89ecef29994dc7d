package dev.quarry.agent;

import dev.quarry.agent.error.QuarryException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The publisher of one streamed run. The run starts when the (single) subscriber subscribes, on a virtual
 * thread of its own; its events are buffered for the subscriber by a {@link SubmissionPublisher}, so a slow
 * subscriber never holds up a step: past {@value #BUFFER} undelivered events, further ones are dropped and
 * counted in the final event, which is always delivered (the subscriber has a minute to take it). A subscriber
 * that throws loses its subscription, not the run. Cancelling the subscription cancels the run and every
 * step in it.
 */
final class RunPublisher implements Flow.Publisher<RunEvent> {

    static final int BUFFER = 8192;

    private final Function<Consumer<RunEvent>, AgentResult> run;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /** @param run runs the agent, sending its events to the given sink, and returns its result */
    RunPublisher(Function<Consumer<RunEvent>, AgentResult> run) {
        this.run = run;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super RunEvent> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException(
                    "a streamed run has one subscriber; call Agent.stream again for another run"));
            return;
        }
        ExecutorService delivery = Executors.newVirtualThreadPerTaskExecutor();
        SubmissionPublisher<RunEvent> events = new SubmissionPublisher<>(delivery, BUFFER);
        Thread runner = Thread.ofVirtual().name("quarry-stream").unstarted(() -> publish(events, delivery));
        events.subscribe(new CancelsTheRun(subscriber, runner));
        runner.start();
    }

    private void publish(SubmissionPublisher<RunEvent> events, ExecutorService delivery) {
        LongAdder dropped = new LongAdder();
        AtomicReference<String> runId = new AtomicReference<>("");
        Consumer<RunEvent> sink = event -> {
            runId.compareAndSet("", event.runId());
            events.offer(event, (subscriber, lost) -> {
                dropped.increment();
                return false;
            });
        };
        RunEvent last;
        try {
            AgentResult result = run.apply(sink);
            last = new RunEvent.Finished(result.trace().runId(), result, dropped.sum());
        } catch (QuarryException e) {
            last = new RunEvent.Failed(runId.get(), e, dropped.sum());
        } catch (RuntimeException e) {
            events.closeExceptionally(e);
            delivery.shutdown();
            return;
        }
        events.offer(last, 1, TimeUnit.MINUTES, (subscriber, lost) -> false);
        events.close();
        delivery.shutdown();
    }

    /** Passes everything through, and turns the subscriber's cancel into the run's cancellation. */
    private record CancelsTheRun(Flow.Subscriber<? super RunEvent> subscriber, Thread runner)
            implements Flow.Subscriber<RunEvent> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    subscription.request(n);
                }

                @Override
                public void cancel() {
                    subscription.cancel();
                    runner.interrupt();
                }
            });
        }

        @Override
        public void onNext(RunEvent event) {
            subscriber.onNext(event);
        }

        @Override
        public void onError(Throwable error) {
            subscriber.onError(error);
        }

        @Override
        public void onComplete() {
            subscriber.onComplete();
        }
    }
}
