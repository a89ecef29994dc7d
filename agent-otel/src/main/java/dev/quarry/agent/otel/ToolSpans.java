package dev.quarry.agent.otel;

import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Tool;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * An {@code execute_tool {tool}} span for every tool call, under the model call that planned it. The step's
 * context is made current on the thread the tool runs on, so the tool's own spans nest under it.
 */
final class ToolSpans implements StepInterceptor {

    private final Tracer tracer;
    private final RunSpans runs;
    private final boolean captureContent;

    ToolSpans(Tracer tracer, RunSpans runs, boolean captureContent) {
        this.tracer = tracer;
        this.runs = runs;
        this.captureContent = captureContent;
    }

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        RunSpans.Run run = runs.run(call.runId());
        if (run == null) {
            return chain.proceed(call);
        }
        String stepId = call.step().id();
        run.traced.add(stepId);
        Span span = start(tracer, run.parentOfStep(stepId), call.tool().name(), stepId);
        Boolean approved = run.approvals.get(stepId);
        if (approved != null) {
            span.setAttribute("quarry.approval.approved", approved);
        }
        if (captureContent) {
            span.setAttribute("gen_ai.tool.call.arguments", call.arguments().toString());
        }
        Context context = run.parentOfStep(stepId).with(span);
        run.steps.put(stepId, context);
        Tool tool = call.tool();
        Tool inContext = Tool.of(tool.specification(), tool.policy(), (arguments, toolContext) -> {
            try (Scope ignored = context.makeCurrent()) {
                return tool.execute(arguments, toolContext);
            }
        });
        try {
            StepResult result = chain.proceed(new StepCall(call.runId(), call.step(), inContext, call.deadline()));
            if (captureContent) {
                span.setAttribute("gen_ai.tool.call.result", Content.excerpt(result.text()));
            }
            finish(span, result);
            return result;
        } catch (InterruptedException | RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            span.setAttribute("error.type", e.getClass().getName());
            span.end();
            throw e;
        }
    }

    static Span start(Tracer tracer, Context parent, String tool, String stepId) {
        return tracer.spanBuilder("execute_tool " + tool)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("gen_ai.operation.name", "execute_tool")
                .setAttribute("gen_ai.tool.name", tool)
                .setAttribute("gen_ai.tool.call.id", stepId)
                .setAttribute("gen_ai.tool.type", "function")
                .startSpan();
    }

    static void finish(Span span, StepResult result) {
        span.setAttribute("quarry.step.status", result.status().name());
        span.setAttribute("quarry.step.attempts", result.attempts());
        if (result.deduplicated()) {
            span.setAttribute("quarry.step.deduplicated", true);
        }
        if (!result.status().succeeded()) {
            span.setStatus(StatusCode.ERROR, result.status().name());
            span.setAttribute("error.type", result.status().name());
        }
        span.end();
    }
}
