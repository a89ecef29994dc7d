package dev.quarry.agent.otel;

import dev.quarry.agent.AgentListener;
import dev.quarry.agent.AgentPlugin;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.schedule.StepInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.Objects;

/**
 * OpenTelemetry for Quarry agents, following the GenAI semantic conventions: an {@code invoke_agent} span
 * per run, a {@code chat {model}} span per model call, an {@code execute_tool {tool}} span per step (steps
 * planned by one model call are siblings under it, so a trace viewer shows them overlap), and the
 * {@code gen_ai.client.token.usage} and {@code gen_ai.client.operation.duration} histograms. The context of
 * a step is current on the thread its tool runs on, so spans the tool makes (an HTTP client's, a driver's)
 * nest under it. Prompts, answers, tool arguments and results are recorded only with
 * {@link Builder#captureContent(boolean) captureContent(true)}.
 *
 * <pre>{@code
 * Agent agent = Agent.builder()
 *         .model(model)
 *         .plugin(QuarryTelemetry.builder(openTelemetry).build())
 *         .build();
 * }</pre>
 *
 * Depends on {@code opentelemetry-api} only; the application brings the SDK and its exporter.
 */
public final class QuarryTelemetry implements AgentPlugin {

    /** Instrumentation scope name of the spans and metrics. */
    public static final String SCOPE = "dev.quarry.agent";

    private final RunSpans runs;
    private final ChatSpans chat;
    private final ToolSpans tools;

    private QuarryTelemetry(Builder builder) {
        Tracer tracer = builder.openTelemetry.getTracer(SCOPE);
        Meter meter = builder.openTelemetry.getMeter(SCOPE);
        LongHistogram tokens = meter.histogramBuilder("gen_ai.client.token.usage")
                .ofLongs()
                .setUnit("{token}")
                .setDescription("Number of input and output tokens used")
                .build();
        DoubleHistogram duration = meter.histogramBuilder("gen_ai.client.operation.duration")
                .setUnit("s")
                .setDescription("GenAI operation duration")
                .build();
        this.runs = new RunSpans(tracer, builder.agentName, builder.provider);
        this.chat = new ChatSpans(tracer, runs, tokens, duration, builder.provider, builder.captureContent);
        this.tools = new ToolSpans(tracer, runs, builder.captureContent);
    }

    /** Telemetry through {@code openTelemetry} (the SDK the application configured, or a no-op one). */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    @Override
    public List<ModelInterceptor> modelInterceptors() {
        return List.of(chat);
    }

    @Override
    public List<StepInterceptor> stepInterceptors() {
        return List.of(tools);
    }

    @Override
    public List<AgentListener> listeners() {
        return List.of(runs);
    }

    /** Configures {@link QuarryTelemetry}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private String provider = "aws.bedrock";
        private String agentName = "quarry";
        private boolean captureContent;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        }

        /** {@code gen_ai.provider.name}: {@code aws.bedrock} (default), {@code anthropic}, {@code openai}, ... */
        public Builder provider(String provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** {@code gen_ai.agent.name} of the {@code invoke_agent} spans; default {@code quarry}. */
        public Builder agentName(String agentName) {
            this.agentName = Objects.requireNonNull(agentName, "agentName");
            return this;
        }

        /**
         * Whether to record messages, answers, tool arguments and results on the spans (the conventions'
         * content capture); off by default, as they may hold personal or confidential data.
         */
        public Builder captureContent(boolean capture) {
            this.captureContent = capture;
            return this;
        }

        /** The plugin. */
        public QuarryTelemetry build() {
            return new QuarryTelemetry(this);
        }
    }
}
