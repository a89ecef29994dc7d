package dev.quarry.agent.otel;

import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.Agent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/** The wiring shown in docs/observability.md: the SDK configured from OTEL_* variables, then one plugin. */
final class OtlpWiring {

    static Agent tracedAgent(ChatModel model) {
        // OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT, ... come from the environment
        OpenTelemetry otel = AutoConfiguredOpenTelemetrySdk.initialize().getOpenTelemetrySdk();
        return Agent.builder()
                .model(model)
                .plugin(QuarryTelemetry.builder(otel).provider("aws.bedrock").build())
                .build();
    }

    private OtlpWiring() {}
}
