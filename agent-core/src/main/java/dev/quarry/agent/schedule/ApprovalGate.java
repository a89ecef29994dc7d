package dev.quarry.agent.schedule;

import java.util.Objects;

/** The interceptor that runs a side-effecting tool only when its {@link ApprovalHandler} approves. */
public final class ApprovalGate implements StepInterceptor {

    private final ApprovalHandler handler;

    public ApprovalGate(ApprovalHandler handler) {
        this.handler = Objects.requireNonNull(handler, "approval handler");
    }

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        if (!call.tool().policy().sideEffecting()) {
            return chain.proceed(call);
        }
        ApprovalHandler.Decision decision = handler.decide(new ApprovalHandler.Request(
                call.runId(), call.step().id(), call.tool().name(), call.arguments()));
        if (decision.approved()) {
            return chain.proceed(call);
        }
        return StepResult.failed(
                call.step(),
                StepStatus.REFUSED,
                "The call to " + call.tool().name() + " was not approved: " + decision.reason()
                        + ". Do not retry it; tell the user what you would have done.",
                0);
    }
}
