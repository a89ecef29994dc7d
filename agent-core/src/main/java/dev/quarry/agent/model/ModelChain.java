package dev.quarry.agent.model;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@link ModelInterceptor}s of one run in order, ending in the model. Blocking calls run on the chain's
 * own virtual threads so a wait can end at the deadline; {@linkplain #close closing} the chain interrupts any
 * still running.
 */
public final class ModelChain implements AutoCloseable {

    private final ModelInterceptor.Chain head;
    private final ExecutorService threads;

    /**
     * @param interceptors outermost first
     * @param model the blocking model, or null when only a streaming model is configured
     * @param streamingModel the streaming model, or null
     * @param streamIdleTimeout longest silence between two events of a stream before it counts as stalled
     * @param runId names the threads
     */
    public ModelChain(
            List<ModelInterceptor> interceptors,
            ChatModel model,
            StreamingChatModel streamingModel,
            Duration streamIdleTimeout,
            String runId) {
        if (model == null && streamingModel == null) {
            throw new IllegalArgumentException("a model chain needs a model");
        }
        this.threads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("quarry-" + runId + "-model-", 0).factory());
        ModelInterceptor.Chain chain = new ModelInvoker(model, streamingModel, streamIdleTimeout, threads);
        for (ModelInterceptor interceptor : interceptors.reversed()) {
            ModelInterceptor.Chain next = chain;
            chain = call -> interceptor.intercept(call, next);
        }
        this.head = chain;
    }

    /** Sends the call through every interceptor to the model. */
    public ModelResponse call(ModelCall call) {
        return head.proceed(call);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
