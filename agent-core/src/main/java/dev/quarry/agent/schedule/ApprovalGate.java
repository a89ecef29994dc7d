package dev.quarry.agent.schedule;

import java.util.List;
import java.util.Objects;

/** The interceptor that runs a side-effecting tool only when its {@link ApprovalHandler} approves. */
public final class ApprovalGate implements StepInterceptor {

    private final ApprovalHandler handler;
    private final List<StepListener> listeners;

    public ApprovalGate(ApprovalHandler handler) {
        this(handler, List.of());
    }

    /** A gate that also tells {@code listeners} of each request and decision. */
    public ApprovalGate(ApprovalHandler handler, List<StepListener> listeners) {
        this.handler = Objects.requireNonNull(handler, "approval handler");
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        if (!call.tool().policy().sideEffecting()) {
            return chain.proceed(call);
        }
        ApprovalHandler.Request request = new ApprovalHandler.Request(
                call.runId(), call.step().id(), call.tool().name(), call.arguments());
        listeners.forEach(l -> l.onApprovalRequested(call.runId(), request));
        ApprovalHandler.Decision decision = handler.decide(request);
        listeners.forEach(l -> l.onApprovalDecided(call.runId(), request, decision));
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
