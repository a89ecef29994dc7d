package dev.quarry.agent.schedule;

import dev.quarry.agent.tool.ArgumentValidator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The interceptor that runs a side-effecting tool only when its {@link ApprovalHandler} approves. With a
 * journal, a decision given later ({@code Agent.approve}) or recorded before a crash is used without asking
 * again, a call an earlier process started without recording an outcome is asked about again as "in doubt"
 * (unless its tool is idempotent: then it simply runs again), and a {@link ApprovalHandler.Verdict#SUSPEND}
 * ends the step {@link StepStatus#AWAITING_APPROVAL}.
 */
public final class ApprovalGate implements StepInterceptor {

    private final ApprovalHandler handler;
    private final List<StepListener> listeners;
    private final StepJournal journal;

    /** A gate asking {@code handler}. */
    public ApprovalGate(ApprovalHandler handler) {
        this(handler, List.of(), StepJournal.NONE);
    }

    /** A gate that also tells {@code listeners} of each request and decision, and keeps decisions in {@code journal}. */
    public ApprovalGate(ApprovalHandler handler, List<StepListener> listeners, StepJournal journal) {
        this.handler = Objects.requireNonNull(handler, "approval handler");
        this.listeners = List.copyOf(listeners);
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        if (!call.tool().policy().sideEffecting()) {
            return chain.proceed(call);
        }
        String stepId = call.step().id();
        Optional<ApprovalHandler.Decision> recorded = journal.decision(stepId);
        boolean inDoubt = recorded.isEmpty() && journal.startedBefore(stepId);
        if (inDoubt && call.tool().policy().idempotent()) {
            return chain.proceed(call);
        }
        ApprovalHandler.Request request =
                new ApprovalHandler.Request(call.runId(), stepId, call.tool().name(), call.arguments(), inDoubt);
        ApprovalHandler.Decision decision;
        if (recorded.isPresent()) {
            decision = recorded.get();
        } else {
            listeners.forEach(l -> l.onApprovalRequested(call.runId(), request));
            decision = handler.decide(request);
            listeners.forEach(l -> l.onApprovalDecided(call.runId(), request, decision));
            if (decision.verdict() != ApprovalHandler.Verdict.SUSPEND) {
                journal.decided(request, decision);
            }
        }
        return switch (decision.verdict()) {
            case APPROVE -> proceed(call, decision, chain);
            case REFUSE ->
                StepResult.failed(
                        call.step(),
                        StepStatus.REFUSED,
                        "The call to " + call.tool().name() + " was not approved: " + decision.reason()
                                + ". Do not retry it; tell the user what you would have done.",
                        0);
            case SUSPEND -> suspend(call, request);
        };
    }

    private StepResult suspend(StepCall call, ApprovalHandler.Request request) {
        if (!journal.canSuspend()) {
            return StepResult.failed(
                    call.step(),
                    StepStatus.REFUSED,
                    "The call to " + call.tool().name() + " was not approved: the approval handler asked to"
                            + " wait for a person, but the agent has no journal to continue from"
                            + " (configure Agent.Builder.journal).",
                    0);
        }
        journal.decided(request, ApprovalHandler.Decision.suspend());
        return StepResult.failed(
                call.step(),
                StepStatus.AWAITING_APPROVAL,
                "Waiting for a person to approve the call to " + call.tool().name() + ".",
                0);
    }

    private static StepResult proceed(StepCall call, ApprovalHandler.Decision decision, Chain chain)
            throws InterruptedException {
        if (decision.arguments().isEmpty()) {
            return chain.proceed(call);
        }
        List<String> violations = ArgumentValidator.validate(
                decision.arguments().get(), call.tool().specification().parameters());
        if (!violations.isEmpty()) {
            return StepResult.failed(
                    call.step(),
                    StepStatus.INVALID_ARGUMENTS,
                    "The approver's edited arguments for " + call.tool().name() + " are invalid: "
                            + String.join("; ", violations) + ".",
                    0);
        }
        Step step = call.step();
        Step edited =
                new Step(step.id(), step.tool(), decision.arguments().get(), step.dependsOn(), step.speculative());
        return chain.proceed(new StepCall(call.runId(), edited, call.tool(), call.deadline()));
    }
}
