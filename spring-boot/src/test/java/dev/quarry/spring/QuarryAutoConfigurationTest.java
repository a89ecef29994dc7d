package dev.quarry.spring;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.LookAhead;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.otel.QuarryTelemetry;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Policy;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import dev.quarry.mcp.QuarryMcpServer;
import dev.quarry.offline.OfflineModel;
import dev.quarry.testkit.ScriptedChatModel;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every condition and property of the auto-configuration, on Spring Boot's ApplicationContextRunner. */
class QuarryAutoConfigurationTest {

    @TempDir
    Path dir;

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(QuarryAutoConfiguration.class, QuarryHealthAutoConfiguration.class))
            .withPropertyValues("quarry.bedrock.region=us-east-1");

    /** An application's own model. */
    @Configuration(proxyBeanMethods = false)
    static class OfflineModelConfiguration {
        @Bean
        ChatModel chatModel() {
            return new OfflineModel();
        }
    }

    /** An application bean with tools. */
    static class Weather {
        @Tool("Tells the weather of a city")
        @Policy(sideEffecting = false)
        public String weather(@P(name = "city", value = "the city") String city) {
            return city + ": sunny";
        }
    }

    /** Another, which the properties exclude. */
    static class Secrets {
        @Tool("Reveals a secret")
        public String secret() {
            return "42";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ToolBeansConfiguration {
        @Bean
        Weather weather() {
            return new Weather();
        }

        @Bean
        Secrets secrets() {
            return new Secrets();
        }
    }

    @Test
    void anIndexOnlyWithAPathAndTheApplicationsOwnIndexWins() {
        runner.withUserConfiguration(OfflineModelConfiguration.class).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(LuceneIndex.class);
            assertThat(context.getBean(Agent.class).tools().names()).isEmpty();
        });
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .withPropertyValues("quarry.index.path=" + dir.resolve("index"), "quarry.index.embeddings=false")
                .run(context -> {
                    assertThat(context).hasSingleBean(LuceneIndex.class);
                    assertThat(context.getBean(LuceneIndex.class).supportsVectors())
                            .isFalse();
                    assertThat(context.getBean(Agent.class).tools().names())
                            .containsExactly("search", "read_document", "read_chunk");
                });
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .withPropertyValues("quarry.index.path=" + dir.resolve("index"), "quarry.agent.index-tools=false")
                .withBean(
                        "myIndex",
                        LuceneIndex.class,
                        () -> LuceneIndex.builder().open())
                .run(context -> {
                    assertThat(context).getBeans(LuceneIndex.class).containsOnlyKeys("myIndex");
                    assertThat(context.getBean(Agent.class).tools().names()).isEmpty();
                });
    }

    @Test
    void claudeOnBedrockComesFromPropertiesAndBacksOffForTheApplicationsModel() {
        runner.withPropertyValues(
                        "quarry.bedrock.model-id=anthropic.claude-test",
                        "quarry.bedrock.service-tier=flex",
                        "quarry.bedrock.prompt-caching=after-system")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ClaudeOnBedrock.class);
                    assertThat(context.getBean(ClaudeOnBedrock.class).modelId()).isEqualTo("anthropic.claude-test");
                    assertThat(context.getBean(ClaudeOnBedrock.class).cachesSharedPrefix())
                            .isFalse();
                    assertThat(context).hasSingleBean(Agent.class);
                });
        runner.withPropertyValues("quarry.bedrock.prompt-caching=shared-prefix")
                .run(context -> assertThat(
                                context.getBean(ClaudeOnBedrock.class).cachesSharedPrefix())
                        .isTrue());
        runner.withPropertyValues("quarry.bedrock.prompt-caching=after-lunch")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("quarry.bedrock.prompt-caching must be one of")
                        .hasMessageContaining("(or shared-prefix)"));
        runner.withUserConfiguration(OfflineModelConfiguration.class).run(context -> {
            assertThat(context).doesNotHaveBean(ClaudeOnBedrock.class);
            assertThat(context.getBean(Agent.class).run("What is Lima?").answer())
                    .startsWith(OfflineModel.HEADER);
        });
        runner.withPropertyValues("quarry.bedrock.enabled=false")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("no model")
                        .hasMessageContaining("ChatModel bean"));
    }

    @Test
    void beansWithToolMethodsBecomeToolsUnlessExcluded() {
        runner.withUserConfiguration(OfflineModelConfiguration.class, ToolBeansConfiguration.class)
                .run(context -> assertThat(context.getBean(Agent.class).tools().names())
                        .containsExactlyInAnyOrder("weather", "secret"));
        runner.withUserConfiguration(OfflineModelConfiguration.class, ToolBeansConfiguration.class)
                .withPropertyValues("quarry.agent.excluded-beans=secrets")
                .run(context ->
                        assertThat(context.getBean(Agent.class).tools().names()).containsExactly("weather"));
        runner.withUserConfiguration(OfflineModelConfiguration.class, ToolBeansConfiguration.class)
                .withPropertyValues("quarry.agent.tool-beans=false")
                .run(context ->
                        assertThat(context.getBean(Agent.class).tools().names()).isEmpty());
    }

    @Test
    void aLookAheadBeanIsAPluginOfTheAgent() {
        runner.withUserConfiguration(OfflineModelConfiguration.class, ToolBeansConfiguration.class)
                .withPropertyValues("quarry.agent.excluded-beans=secrets")
                .withBean(LookAhead.class, () -> LookAhead.withArgument("weather", "city", task -> List.of("Lyon")))
                .run(context -> {
                    AgentResult result = context.getBean(Agent.class).run("What is the weather in Lyon?");
                    assertThat(result.steps()).extracting(s -> s.stepId()).containsExactly("lookahead-1");
                    assertThat(result.usage().modelCalls()).isEqualTo(1);
                    assertThat(result.answer()).contains("Lyon: sunny");
                });
    }

    @Test
    void theApplicationsApprovalHandlerAndAgentAreUsed() {
        List<String> asked = new ArrayList<>();
        runner.withUserConfiguration(ToolBeansConfiguration.class)
                .withBean(
                        ChatModel.class,
                        () -> ScriptedChatModel.turns(toolCalls(call("s", "secret", "{}")), AiMessage.from("done")))
                .withBean(ApprovalHandler.class, () -> request -> {
                    asked.add(request.tool());
                    return ApprovalHandler.Decision.approve();
                })
                .run(context -> {
                    AgentResult result = context.getBean(Agent.class).run("Tell me the secret");
                    assertThat(asked).containsExactly("secret");
                    assertThat(result.steps().getFirst().status()).isEqualTo(StepStatus.SUCCEEDED);
                });
        Agent own = Agent.builder().model(new OfflineModel()).build();
        runner.withBean(Agent.class, () -> own).run(context -> {
            assertThat(context.getBean(Agent.class)).isSameAs(own);
            assertThat(context).doesNotHaveBean(ClaudeOnBedrock.class).as("a model is made only for an agent");
        });
    }

    @Test
    void badPropertyValuesFailAtStartupNamingTheProperty() {
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .withPropertyValues("quarry.agent.planner=sideways")
                .run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("quarry.agent.planner"));
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .withPropertyValues("quarry.agent.max-steps=0")
                .run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("quarry.agent.max-steps"));
        runner.withPropertyValues("quarry.bedrock.service-tier=fastest")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("quarry.bedrock.service-tier")
                        .hasMessageContaining("FLEX"));
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .withPropertyValues("quarry.agent.deadline=soon")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("Failed to bind properties under 'quarry.agent.deadline'"));
    }

    @Test
    void theIndexReportsItsHealth() {
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .withPropertyValues("quarry.index.path=" + dir.resolve("index"), "quarry.index.embeddings=false")
                .run(context -> {
                    LuceneIndex index = context.getBean(LuceneIndex.class);
                    index.upsert(Document.of("a", "Some text."));
                    index.commit();
                    Health health = context.getBean("quarryIndexHealthIndicator", HealthIndicator.class)
                            .health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails())
                            .containsEntry("documents", 1)
                            .containsEntry("vectors", false)
                            .containsKey("lastCommit");
                });
    }

    @Test
    void mcpServersFromPropertiesGiveTheAgentTheirTools() throws Exception {
        dev.quarry.agent.tool.Tool lookup = dev.quarry.agent.tool.Tool.of(
                dev.langchain4j.agent.tool.ToolSpecification.builder()
                        .name("lookup")
                        .description("Looks up.")
                        .parameters(dev.langchain4j.model.chat.request.json.JsonObjectSchema.builder()
                                .build())
                        .build(),
                ToolPolicy.readOnly(),
                (arguments, context) -> ToolResult.of("found"));
        try (QuarryMcpServer.Http http =
                QuarryMcpServer.builder().tool(lookup).build().serveHttp("127.0.0.1", 0)) {
            runner.withUserConfiguration(OfflineModelConfiguration.class)
                    .withPropertyValues(
                            "quarry.mcp.remote.url=http://127.0.0.1:" + http.port() + "/mcp",
                            "quarry.mcp.remote.prefix=r_")
                    .run(context -> assertThat(
                                    context.getBean(Agent.class).tools().names())
                            .containsExactly("r_lookup"));
        }
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .withPropertyValues("quarry.mcp.broken.prefix=x")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("quarry.mcp.broken needs exactly one of command")
                        .hasMessageContaining("url"));
    }

    @Test
    void withAnOpenTelemetryBeanRunsAreTraced() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetry telemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .build();
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .withBean(OpenTelemetry.class, () -> telemetry)
                .run(context -> {
                    assertThat(context).hasSingleBean(QuarryTelemetry.class);
                    context.getBean(Agent.class).run("What is Lima?");
                    assertThat(spans.getFinishedSpanItems())
                            .extracting(s -> s.getName())
                            .anyMatch(name -> name.startsWith("invoke_agent"));
                });
        runner.withUserConfiguration(OfflineModelConfiguration.class)
                .run(context -> assertThat(context).doesNotHaveBean(QuarryTelemetry.class));
    }
}
