package dev.quarry.agent.model;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.quarry.agent.error.ModelCallException;
import dev.quarry.agent.error.RunCancelledException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The end of the model chain: one request to the model, waited for no longer than the run's deadline. */
final class ModelInvoker implements ModelInterceptor.Chain {

    private final ChatModel model;
    private final StreamingChatModel streamingModel;
    private final Duration idleTimeout;
    private final ExecutorService threads;

    ModelInvoker(ChatModel model, StreamingChatModel streamingModel, Duration idleTimeout, ExecutorService threads) {
        this.model = model;
        this.streamingModel = streamingModel;
        this.idleTimeout = idleTimeout;
        this.threads = threads;
    }

    @Override
    public ModelResponse proceed(ModelCall call) {
        if (streamingModel != null && (call.streaming() || model == null)) {
            return stream(call);
        }
        return new ModelResponse(block(call), 1);
    }

    private ChatResponse block(ModelCall call) {
        Future<ChatResponse> running = threads.submit(() -> model.chat(call.request()));
        try {
            return running.get(call.deadline().remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            throw call.deadline().exceeded("waiting for a model call (" + call.purpose() + ")");
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new RunCancelledException("run " + call.runId() + " was interrupted during a model call");
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        }
    }

    private ModelResponse stream(ModelCall call) {
        Attempt attempt = new Attempt(call);
        streamingModel.chat(call.request(), attempt);
        try {
            while (true) {
                long wait = Math.min(call.deadline().remainingNanos(), idleTimeout.toNanos());
                try {
                    ChatResponse response = attempt.done.get(wait, TimeUnit.NANOSECONDS);
                    attempt.rethrowCallbackError();
                    return new ModelResponse(response, 1);
                } catch (TimeoutException e) {
                    if (call.deadline().passed()) {
                        throw call.deadline().exceeded("waiting for a model stream (" + call.purpose() + ")");
                    }
                    if (attempt.idleNanos() >= idleTimeout.toNanos()) {
                        throw attempt.failed(new StreamStalledException("the model stream (" + call.purpose()
                                + ") sent nothing for " + idleTimeout.toMillis() + " ms"));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException("run " + call.runId() + " was interrupted during a model call");
        } catch (ExecutionException e) {
            attempt.rethrowCallbackError();
            throw attempt.failed(e.getCause());
        } finally {
            attempt.abandoned.set(true);
        }
    }

    private static RuntimeException unchecked(Throwable cause) {
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }

    /**
     * One streamed request. Once the caller stops waiting for it (an error, a stall, the deadline), late
     * events are dropped, so a tool call written after that can never be dispatched twice.
     */
    private static final class Attempt implements StreamingChatResponseHandler {
        private final ModelCall call;
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        final AtomicBoolean abandoned = new AtomicBoolean();
        private final AtomicBoolean dispatched = new AtomicBoolean();
        private final AtomicLong lastEvent = new AtomicLong(System.nanoTime());
        private final AtomicReference<RuntimeException> callbackError = new AtomicReference<>();

        Attempt(ModelCall call) {
            this.call = call;
        }

        long idleNanos() {
            return System.nanoTime() - lastEvent.get();
        }

        @Override
        public void onPartialResponse(String text) {
            deliver(() -> call.sink().onText(text));
        }

        @Override
        public void onPartialThinking(PartialThinking thinking) {
            deliver(() -> {});
        }

        @Override
        public void onPartialToolCall(PartialToolCall partial) {
            deliver(() -> {});
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall complete) {
            deliver(() -> {
                dispatched.set(true);
                call.sink().onToolCall(complete.toolExecutionRequest());
            });
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        private void deliver(Runnable event) {
            if (abandoned.get()) {
                return;
            }
            lastEvent.set(System.nanoTime());
            try {
                event.run();
            } catch (RuntimeException e) {
                callbackError.compareAndSet(null, e);
            }
        }

        void rethrowCallbackError() {
            if (callbackError.get() != null) {
                throw callbackError.get();
            }
        }

        /** The error to raise for a failed stream: final once a tool call of this turn was dispatched. */
        RuntimeException failed(Throwable cause) {
            abandoned.set(true);
            if (dispatched.get()) {
                // steps from this turn are already running: replaying the turn could run them twice
                return new ModelCallException(
                        "the model stream (" + call.purpose() + ") broke after tool calls were dispatched: "
                                + ModelRetry.describe(cause),
                        1,
                        cause);
            }
            return unchecked(cause);
        }
    }
}
