package dev.quarry.agent.model;

/**
 * Behaviour around every model call of a run, blocking and streaming alike, in the style of OkHttp's
 * interceptors: look at or change the call, answer it without calling the model (a cache), or pass it on
 * with {@code chain.proceed(call)} and look at or change the response.
 *
 * <p>The chain of a run, outermost first: limits (model calls, token budget), trace, usage, the
 * {@linkplain dev.quarry.agent.Agent.Builder#modelInterceptor users' interceptors} in the order added,
 * deadline, the one retry layer, and finally the model. So a user's interceptor sees each logical call
 * once (not each retry), inside the run's accounting, and a response it makes up is counted and traced
 * like any other.
 *
 * <p>A streaming call hands text and tool calls to {@link ModelCall#sink()} while the model writes; an
 * interceptor that rewrites what the model said wraps the sink with {@link ModelCall#withSink}.
 * Interceptors are shared by every run of an agent: keep per-run state keyed by {@link ModelCall#runId()}
 * or out of them.
 */
@FunctionalInterface
public interface ModelInterceptor {

    /** Handles one model call: usually does its work around {@code chain.proceed(call)} and returns its response. */
    ModelResponse intercept(ModelCall call, Chain chain);

    /** The rest of the chain, ending in the model. */
    @FunctionalInterface
    interface Chain {
        /** Passes the call to the next interceptor, the model at the end of the chain. */
        ModelResponse proceed(ModelCall call);
    }
}
