package dev.quarry.agent.otel;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.quarry.agent.model.CacheTokenUsage;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;

/** A {@code chat {model}} span and the two GenAI client metrics for every model call of a run. */
final class ChatSpans implements ModelInterceptor {

    private final Tracer tracer;
    private final RunSpans runs;
    private final LongHistogram tokens;
    private final DoubleHistogram duration;
    private final String provider;
    private final boolean captureContent;

    ChatSpans(
            Tracer tracer,
            RunSpans runs,
            LongHistogram tokens,
            DoubleHistogram duration,
            String provider,
            boolean captureContent) {
        this.tracer = tracer;
        this.runs = runs;
        this.tokens = tokens;
        this.duration = duration;
        this.provider = provider;
        this.captureContent = captureContent;
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        RunSpans.Run run = runs.run(call.runId());
        Context parent = parentOf(call, run);
        String model = call.request().modelName() == null ? "" : call.request().modelName();
        Span span = tracer.spanBuilder(model.isEmpty() ? "chat" : "chat " + model)
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.provider.name", provider)
                .setAttribute("gen_ai.request.model", model)
                .setAttribute("quarry.model_call.id", call.id())
                .setAttribute("quarry.model_call.purpose", call.purpose())
                .startSpan();
        if (captureContent) {
            span.setAttribute(
                    "gen_ai.input.messages", Content.messages(call.request().messages()));
        }
        if (run != null) {
            run.modelCalls.put(call.id(), parent.with(span));
        }
        long start = System.nanoTime();
        Attributes metric = Attributes.builder()
                .put("gen_ai.operation.name", "chat")
                .put("gen_ai.provider.name", provider)
                .put("gen_ai.request.model", model)
                .build();
        try (Scope ignored = span.makeCurrent()) {
            ModelResponse response = chain.proceed(call);
            record(span, response, metric);
            duration.record((System.nanoTime() - start) / 1e9, metric);
            return response;
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            span.setAttribute("error.type", e.getClass().getName());
            duration.record(
                    (System.nanoTime() - start) / 1e9,
                    metric.toBuilder().put("error.type", e.getClass().getName()).build());
            throw e;
        } finally {
            span.end();
        }
    }

    /** A tool's model call hangs under the tool's step; the planner's under the run. */
    private static Context parentOf(ModelCall call, RunSpans.Run run) {
        if (run == null) {
            return Context.current();
        }
        return call.toolStep()
                .map(step -> run.steps.getOrDefault(step, run.context))
                .orElse(run.context);
    }

    private void record(Span span, ModelResponse response, Attributes metric) {
        ChatResponse chat = response.chatResponse();
        span.setAttribute("quarry.attempts", response.attempts());
        if (chat.modelName() != null) {
            span.setAttribute("gen_ai.response.model", chat.modelName());
        }
        if (chat.id() != null) {
            span.setAttribute("gen_ai.response.id", chat.id());
        }
        if (chat.finishReason() != null) {
            span.setAttribute(
                    AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"),
                    List.of(chat.finishReason().name().toLowerCase(java.util.Locale.ROOT)));
        }
        TokenUsage usage = chat.tokenUsage();
        if (usage != null) {
            if (usage.inputTokenCount() != null) {
                span.setAttribute("gen_ai.usage.input_tokens", usage.inputTokenCount());
                tokens.record(
                        usage.inputTokenCount(),
                        metric.toBuilder().put("gen_ai.token.type", "input").build());
            }
            if (usage.outputTokenCount() != null) {
                span.setAttribute("gen_ai.usage.output_tokens", usage.outputTokenCount());
                tokens.record(
                        usage.outputTokenCount(),
                        metric.toBuilder().put("gen_ai.token.type", "output").build());
            }
            if (usage instanceof CacheTokenUsage cache) {
                span.setAttribute("gen_ai.usage.cache_read.input_tokens", cache.cacheReadTokens());
                span.setAttribute("gen_ai.usage.cache_creation.input_tokens", cache.cacheWriteTokens());
            }
        }
        if (captureContent && chat.aiMessage() != null) {
            span.setAttribute("gen_ai.output.messages", Content.messages(List.<ChatMessage>of(chat.aiMessage())));
        }
    }
}
