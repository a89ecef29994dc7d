package dev.quarry.agent.model;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Built-in: records each finished call's tokens (input, output, prompt-cache reads and writes when the model
 * reports them through {@link CacheTokenUsage}), attempts and latency in the run's {@link UsageLedger}.
 */
public final class UsageRecorder implements ModelInterceptor {

    private final UsageLedger ledger;
    private final Consumer<Usage.Call> onCall;

    /**
     * @param ledger where calls are recorded
     * @param onCall told of each recorded call (the agent's listeners)
     */
    public UsageRecorder(UsageLedger ledger, Consumer<Usage.Call> onCall) {
        this.ledger = ledger;
        this.onCall = onCall;
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        long start = System.nanoTime();
        ModelResponse response = chain.proceed(call);
        Usage.Call usage = usageOf(call.id(), response, Duration.ofNanos(System.nanoTime() - start));
        ledger.record(usage);
        onCall.accept(usage);
        return response;
    }

    static Usage.Call usageOf(String id, ModelResponse response, Duration latency) {
        Tokens tokens = Tokens.of(response.chatResponse().tokenUsage());
        String model = response.chatResponse().modelName() == null
                ? ""
                : response.chatResponse().modelName();
        return new Usage.Call(
                id,
                model,
                tokens.input(),
                tokens.output(),
                tokens.cacheRead(),
                tokens.cacheWrite(),
                response.attempts(),
                latency);
    }
}
