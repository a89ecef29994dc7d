package dev.quarry.agent.otel;

import dev.quarry.agent.AgentListener;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.guard.GuardrailCheck;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code invoke_agent} span of each run, and what the other spans of the run need to find their
 * parents: the context of each model call (steps it planned hang under it) and of each step (model calls a
 * tool makes hang under it). A step that never reached a tool (refused, skipped, unknown) gets its span here.
 */
final class RunSpans implements AgentListener {

    /** One run's spans. */
    static final class Run {
        final Span span;
        final Context context;
        final Map<String, Context> modelCalls = new ConcurrentHashMap<>();
        final Map<String, String> plannedBy = new ConcurrentHashMap<>();
        final Map<String, Context> steps = new ConcurrentHashMap<>();
        final Set<String> traced = ConcurrentHashMap.newKeySet();
        final Map<String, Boolean> approvals = new ConcurrentHashMap<>();

        Run(Span span) {
            this.span = span;
            this.context = Context.root().with(span);
        }

        /** Where a step's span goes: under the model call that planned it, else under the run. */
        Context parentOfStep(String stepId) {
            String origin = plannedBy.get(stepId);
            return origin == null ? context : modelCalls.getOrDefault(origin, context);
        }
    }

    private final Tracer tracer;
    private final String agentName;
    private final String provider;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();

    RunSpans(Tracer tracer, String agentName, String provider) {
        this.tracer = tracer;
        this.agentName = agentName;
        this.provider = provider;
    }

    Run run(String runId) {
        return runs.get(runId);
    }

    @Override
    public void onRunStart(String runId, String task) {
        Span span = tracer.spanBuilder("invoke_agent " + agentName)
                .setParent(Context.current())
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("gen_ai.operation.name", "invoke_agent")
                .setAttribute("gen_ai.provider.name", provider)
                .setAttribute("gen_ai.agent.name", agentName)
                .setAttribute("gen_ai.conversation.id", runId)
                .startSpan();
        runs.put(runId, new Run(span));
    }

    @Override
    public void onRunEnd(String runId, AgentResult result) {
        Run run = runs.remove(runId);
        if (run != null) {
            run.span.setAttribute("gen_ai.usage.input_tokens", result.usage().inputTokens());
            run.span.setAttribute("gen_ai.usage.output_tokens", result.usage().outputTokens());
            run.span.end();
        }
    }

    @Override
    public void onRunFailed(String runId, QuarryException error) {
        Run run = runs.remove(runId);
        if (run != null) {
            run.span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
            run.span.setAttribute("error.type", error.getClass().getName());
            run.span.end();
        }
    }

    @Override
    public void onStepPlanned(String runId, Step step, String plannedBy) {
        Run run = runs.get(runId);
        if (run != null && plannedBy != null) {
            run.plannedBy.put(step.id(), plannedBy);
        }
    }

    @Override
    public void onApprovalDecided(String runId, ApprovalHandler.Request request, ApprovalHandler.Decision decision) {
        Run run = runs.get(runId);
        if (run != null) {
            run.approvals.put(request.stepId(), decision.approved());
        }
    }

    /**
     * A guardrail's verdict as a span of its own ({@code guardrail <name>}), under the step it checked or the
     * run, timed as the check was; a block or a failed check is an error.
     */
    @Override
    public void onGuardrail(String runId, GuardrailCheck check) {
        Run run = runs.get(runId);
        if (run == null) {
            return;
        }
        Context parent = check.stepId().isEmpty() ? run.context : run.steps.getOrDefault(check.stepId(), run.context);
        Instant end = Instant.now();
        Span span = tracer.spanBuilder("guardrail " + check.guardrail())
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(end.minus(check.duration()))
                .setAttribute("quarry.guardrail.name", check.guardrail())
                .setAttribute("quarry.guardrail.stage", check.stage().label())
                .setAttribute("quarry.guardrail.verdict", check.verdict())
                .startSpan();
        if (!check.reason().isEmpty()) {
            span.setAttribute("quarry.guardrail.reason", check.reason());
        }
        if (check.verdict().equals("block") || check.verdict().equals("error")) {
            span.setStatus(StatusCode.ERROR, check.verdict());
        }
        span.end(end);
    }

    @Override
    public void onFinish(String runId, Step step, StepResult result) {
        Run run = runs.get(runId);
        if (run == null || run.traced.contains(step.id())) {
            return;
        }
        // the step never reached a tool: a zero-length span says what happened to it
        Span span = ToolSpans.start(tracer, run.parentOfStep(step.id()), step.tool(), step.id());
        Boolean approved = run.approvals.get(step.id());
        if (approved != null) {
            span.setAttribute("quarry.approval.approved", approved);
        }
        ToolSpans.finish(span, result);
    }
}
