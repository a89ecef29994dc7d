package dev.quarry.agent.model;

import dev.quarry.agent.error.LimitExceededException;

/**
 * Built-in, outermost: refuses a model call once the run has begun its maximum number of calls or spent its
 * token budget. Model calls that tools make count too.
 */
public final class ModelLimits implements ModelInterceptor {

    private final UsageLedger ledger;
    private final int maxModelCalls;
    private final long tokenBudget;

    public ModelLimits(UsageLedger ledger, int maxModelCalls, long tokenBudget) {
        this.ledger = ledger;
        this.maxModelCalls = maxModelCalls;
        this.tokenBudget = tokenBudget;
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        long spent = ledger.tokens();
        if (spent >= tokenBudget) {
            throw new LimitExceededException("the run used " + spent + " tokens, its budget is " + tokenBudget
                    + "; raise Limits.tokenBudget or simplify the task");
        }
        if (!ledger.tryBegin(maxModelCalls)) {
            throw new LimitExceededException("the run reached its limit of " + maxModelCalls
                    + " model calls without an answer; raise Limits.maxModelCalls or simplify the task");
        }
        return chain.proceed(call);
    }
}
