package dev.quarry.agent.model;

import dev.quarry.agent.error.LimitExceededException;
import java.time.Duration;

/**
 * Built-in, outermost in a sub-agent's chain: counts the sub-agent's model calls against an enclosing run's
 * model-call limit and token budget, and adds each finished call to that run's usage (its id prefixed with
 * the sub-agent's run id), so a child can never spend more than its parent has left. A chain holds one of
 * these for every enclosing run, outermost (the root run) first.
 */
public final class SharedBudget implements ModelInterceptor {

    private final String ownerRunId;
    private final UsageLedger ledger;
    private final int maxModelCalls;
    private final long tokenBudget;

    /**
     * @param ownerRunId the run whose budget this is, for messages
     * @param ledger that run's accounting
     * @param maxModelCalls that run's limit on model calls
     * @param tokenBudget that run's token budget
     */
    public SharedBudget(String ownerRunId, UsageLedger ledger, int maxModelCalls, long tokenBudget) {
        this.ownerRunId = ownerRunId;
        this.ledger = ledger;
        this.maxModelCalls = maxModelCalls;
        this.tokenBudget = tokenBudget;
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        long spent = ledger.tokens();
        if (spent >= tokenBudget) {
            throw new LimitExceededException("run " + ownerRunId + " and its sub-agents used " + spent
                    + " tokens, its budget is " + tokenBudget + "; raise the parent's Limits.tokenBudget");
        }
        if (!ledger.tryBegin(maxModelCalls)) {
            throw new LimitExceededException("run " + ownerRunId + " and its sub-agents reached its limit of "
                    + maxModelCalls + " model calls; raise the parent's Limits.maxModelCalls");
        }
        long start = System.nanoTime();
        ModelResponse response = chain.proceed(call);
        ledger.record(UsageRecorder.usageOf(
                call.runId() + "/" + call.id(), response, Duration.ofNanos(System.nanoTime() - start)));
        return response;
    }
}
