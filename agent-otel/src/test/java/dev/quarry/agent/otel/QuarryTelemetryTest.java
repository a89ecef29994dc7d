package dev.quarry.agent.otel;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.guard.SecretRedactor;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The spans and metrics of real runs, read back from the OpenTelemetry SDK's in-memory exporters. */
class QuarryTelemetryTest {

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(
                    SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();

    @AfterEach
    void close() {
        otel.close();
    }

    static Tool tool(String name, ToolPolicy policy, Tool.Body body) {
        return Tool.of(
                ToolSpecification.builder()
                        .name(name)
                        .description(name)
                        .parameters(JsonObjectSchema.builder()
                                .addStringProperty("q")
                                .required("q")
                                .build())
                        .build(),
                policy,
                body);
    }

    static SpanData named(List<SpanData> all, String name) {
        return all.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void parallelStepsAreSiblingsUnderTheModelCallThatPlannedThemAndToolSpansNestUnderTheirStep() {
        CyclicBarrier together = new CyclicBarrier(2);
        Tool lookup = tool("lookup", ToolPolicy.readOnly(), (args, ctx) -> {
            together.await(30, TimeUnit.SECONDS);
            // the tool's own instrumentation: its span must nest under the step
            otel.getTracer("a-database-driver")
                    .spanBuilder("SELECT")
                    .startSpan()
                    .end();
            return ToolResult.of("found " + args.get("q").asText());
        });
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("a", "lookup", "{\"q\":\"lyon\"}"), call("b", "lookup", "{\"q\":\"nice\"}")),
                AiMessage.from("Both found."));
        AgentResult result = Agent.builder()
                .model(model)
                .tool(lookup)
                .plugin(QuarryTelemetry.builder(otel).build())
                .build()
                .run("find both");
        assertThat(result.answer()).isEqualTo("Both found.");

        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData agent = named(all, "invoke_agent quarry");
        List<SpanData> chats =
                all.stream().filter(s -> s.getName().equals("chat")).toList();
        List<SpanData> tools = all.stream()
                .filter(s -> s.getName().equals("execute_tool lookup"))
                .toList();
        List<SpanData> selects =
                all.stream().filter(s -> s.getName().equals("SELECT")).toList();
        assertThat(chats).hasSize(2).allMatch(c -> c.getParentSpanId().equals(agent.getSpanId()));
        SpanData planner = chats.stream()
                .filter(c -> "model-1".equals(c.getAttributes().get(AttributeKey.stringKey("quarry.model_call.id"))))
                .findFirst()
                .orElseThrow();
        assertThat(tools).hasSize(2).allMatch(t -> t.getParentSpanId().equals(planner.getSpanId()));
        assertThat(tools)
                .extracting(t -> t.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.call.id")))
                .containsExactlyInAnyOrder("a", "b");
        assertThat(selects)
                .hasSize(2)
                .allMatch(s -> tools.stream().anyMatch(t -> t.getSpanId().equals(s.getParentSpanId())));
        assertThat(planner.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
                .isEqualTo("chat");
        assertThat(planner.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
                .isEqualTo("aws.bedrock");
        assertThat(planner.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
                .isPositive();
        assertThat(all)
                .as("content is not recorded unless asked for")
                .allMatch(s -> s.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")) == null
                        && s.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.call.arguments")) == null);

        List<String> metricNames =
                metrics.collectAllMetrics().stream().map(MetricData::getName).toList();
        assertThat(metricNames).contains("gen_ai.client.token.usage", "gen_ai.client.operation.duration");
    }

    @Test
    void eachGuardrailVerdictIsASpanUnderTheStepItCheckedOrTheRun() {
        Tool lookup = tool("lookup", ToolPolicy.readOnly(), (args, ctx) -> ToolResult.of("mail ada@example.com"));
        ScriptedChatModel model =
                ScriptedChatModel.turns(toolCalls(call("a", "lookup", "{\"q\":\"ada\"}")), AiMessage.from("Done."));
        Agent.builder()
                .model(model)
                .tool(lookup)
                .guardrail(SecretRedactor.defaults())
                .plugin(QuarryTelemetry.builder(otel).build())
                .build()
                .run("find ada");

        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData agent = named(all, "invoke_agent quarry");
        SpanData step = named(all, "execute_tool lookup");
        List<SpanData> guardrails = all.stream()
                .filter(s -> s.getName().equals("guardrail secret-redactor"))
                .toList();
        assertThat(guardrails).hasSize(2);
        SpanData onResult = guardrails.stream()
                .filter(s ->
                        "tool result".equals(s.getAttributes().get(AttributeKey.stringKey("quarry.guardrail.stage"))))
                .findFirst()
                .orElseThrow();
        assertThat(onResult.getParentSpanId()).isEqualTo(step.getSpanId());
        assertThat(onResult.getAttributes().get(AttributeKey.stringKey("quarry.guardrail.verdict")))
                .isEqualTo("replace");
        assertThat(onResult.getAttributes().get(AttributeKey.stringKey("quarry.guardrail.reason")))
                .isEqualTo("redacted 1 email");
        SpanData onAnswer =
                guardrails.stream().filter(s -> s != onResult).findFirst().orElseThrow();
        assertThat(onAnswer.getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(onAnswer.getAttributes().get(AttributeKey.stringKey("quarry.guardrail.verdict")))
                .isEqualTo("pass");
    }

    @Test
    void failuresRetriesRefusalsAndOptInContentAreRecorded() {
        AtomicInteger modelRequests = new AtomicInteger();
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            int n = modelRequests.incrementAndGet();
            if (n == 1) {
                throw new RateLimitException("slow down");
            }
            return n == 2
                    ? toolCalls(call("f1", "flaky", "{\"q\":\"x\"}"), call("s1", "send", "{\"q\":\"mail\"}"))
                    : AiMessage.from("done, with problems");
        });
        Tool flaky = tool("flaky", ToolPolicy.readOnly().withIdempotent(false), (args, ctx) -> {
            throw new ToolException("the backend is down");
        });
        Tool send = tool("send", ToolPolicy.sideEffects(), (args, ctx) -> ToolResult.of("sent"));
        Agent.builder()
                .model(model)
                .tool(flaky)
                .tool(send)
                .modelRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)))
                .plugin(QuarryTelemetry.builder(otel).captureContent(true).build())
                .build()
                .run("try both");

        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData failed = named(all, "execute_tool flaky");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("FAILED");
        assertThat(failed.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.call.result")))
                .contains("the backend is down");
        SpanData refused = named(all, "execute_tool send");
        assertThat(refused.getAttributes().get(AttributeKey.stringKey("quarry.step.status")))
                .isEqualTo("REFUSED");
        assertThat(refused.getAttributes().get(AttributeKey.booleanKey("quarry.approval.approved")))
                .isFalse();
        SpanData retried = all.stream()
                .filter(s -> s.getName().equals("chat"))
                .filter(s -> "model-1".equals(s.getAttributes().get(AttributeKey.stringKey("quarry.model_call.id"))))
                .findFirst()
                .orElseThrow();
        assertThat(retried.getAttributes().get(AttributeKey.longKey("quarry.attempts")))
                .isEqualTo(2);
        assertThat(retried.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")))
                .contains("try both");
    }

    @Test
    void aSubAgentsInvokeAgentSpanNestsUnderTheParentsExecuteToolSpan() {
        QuarryTelemetry telemetry = QuarryTelemetry.builder(otel).build();
        Agent child = Agent.builder()
                .model(ScriptedChatModel.turns(
                        toolCalls(call("l", "lookup", "{\"q\":\"lyon\"}")), AiMessage.from("Lyon: 520,000")))
                .tool(tool("lookup", ToolPolicy.readOnly(), (args, ctx) -> ToolResult.of("520,000")))
                .plugin(telemetry)
                .build();
        AgentResult result = Agent.builder()
                .model(ScriptedChatModel.turns(
                        toolCalls(call("r", "researcher", "{\"task\":\"population of Lyon\"}")),
                        AiMessage.from("Lyon has 520,000 people.")))
                .subAgent("researcher", "Looks things up", child)
                .plugin(telemetry)
                .build()
                .run("how many live in Lyon?");
        assertThat(result.answer()).isEqualTo("Lyon has 520,000 people.");

        List<SpanData> all = spans.getFinishedSpanItems();
        List<SpanData> agents = all.stream()
                .filter(s -> s.getName().equals("invoke_agent quarry"))
                .toList();
        assertThat(agents).hasSize(2);
        SpanData parent = agents.stream()
                .filter(s -> s.getAttributes()
                        .get(AttributeKey.stringKey("gen_ai.conversation.id"))
                        .equals(result.runId()))
                .findFirst()
                .orElseThrow();
        SpanData nested = agents.stream().filter(s -> s != parent).findFirst().orElseThrow();
        SpanData step = named(all, "execute_tool researcher");
        assertThat(nested.getParentSpanId()).isEqualTo(step.getSpanId());
        assertThat(nested.getTraceId()).isEqualTo(parent.getTraceId());
        assertThat(nested.getAttributes().get(AttributeKey.stringKey("gen_ai.conversation.id")))
                .isEqualTo(result.runId() + ".r");
        assertThat(named(all, "execute_tool lookup").getParentSpanId()).isNotEqualTo(step.getSpanId());
        assertThat(all.stream()
                        .filter(s -> s.getName().equals("execute_tool lookup"))
                        .findFirst()
                        .orElseThrow()
                        .getTraceId())
                .isEqualTo(parent.getTraceId());
    }
}
