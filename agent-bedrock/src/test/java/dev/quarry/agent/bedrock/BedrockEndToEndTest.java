package dev.quarry.agent.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.Limits;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.DeadlineExceededException;
import dev.quarry.agent.error.ModelCallException;
import dev.quarry.agent.model.ModelRouting;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.CapturedRequest;
import dev.quarry.testkit.Fault;
import dev.quarry.testkit.LatencyProfile;
import dev.quarry.testkit.Turn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The real AWS SDK and langchain4j-bedrock against the Bedrock simulator. */
class BedrockEndToEndTest {

    static final String MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

    static ClaudeOnBedrock claude(BedrockSimulator simulator) {
        return ClaudeOnBedrock.builder()
                .modelId(MODEL)
                .region("us-east-1")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .endpointOverride(simulator.endpoint())
                .build();
    }

    static Tool weather() {
        return weather(
                (args, context) -> ToolResult.of("sunny in " + args.get("q").asText()));
    }

    static Tool weather(Tool.Body body) {
        return Tool.of(
                ToolSpecification.builder()
                        .name("weather")
                        .description("the weather in a city")
                        .parameters(JsonObjectSchema.builder()
                                .addStringProperty("q", "the city")
                                .required("q")
                                .build())
                        .build(),
                ToolPolicy.readOnly(),
                body);
    }

    static final Turn TWO_CALLS = Turn.toolUse(
            "Checking both.",
            new Turn.ToolUse("tu_1", "weather", "{\"q\":\"Lyon\"}"),
            new Turn.ToolUse("tu_2", "weather", "{\"q\":\"Nice\"}"));

    static void assertToolResultsSentBack(CapturedRequest second) {
        JsonNode lastUser = second.messages().get(second.messages().size() - 1);
        assertThat(lastUser.path("role").asText()).isEqualTo("user");
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        lastUser.path("content").forEach(block -> {
            JsonNode result = block.path("toolResult");
            ids.add(result.path("toolUseId").asText());
            texts.add(result.path("content").get(0).path("text").asText());
        });
        assertThat(ids).containsExactly("tu_1", "tu_2");
        assertThat(texts).containsExactly("sunny in Lyon", "sunny in Nice");
    }

    @Test
    void runsParallelToolCallsThroughConverse() {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .turns(TWO_CALLS, Turn.text("Sunny in both."))
                .start()) {
            Agent agent = Agent.builder()
                    .model(claude(simulator).chatModel())
                    .tool(weather())
                    .build();
            AgentResult result = agent.run("Weather in Lyon and Nice?");
            assertThat(result.answer()).isEqualTo("Sunny in both.");
            List<CapturedRequest> requests = simulator.requests();
            assertThat(requests).hasSize(2);
            assertThat(requests.getFirst().modelId()).isEqualTo(MODEL);
            assertThat(requests.getFirst().toolNames()).containsExactly("weather");
            assertToolResultsSentBack(requests.get(1));
            assertThat(result.usage().inputTokens()).isPositive();
        }
    }

    @Test
    void runsParallelToolCallsThroughConverseStreamAndDispatchesBeforeTheStreamEnds() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Tool recorded = weather((args, context) -> {
            events.add("tool started " + args.get("q").asText());
            return ToolResult.of("sunny in " + args.get("q").asText());
        });
        // a slow stream: 400 output tokens at 400 tokens/s spread the events over about a second
        LatencyProfile slow = new LatencyProfile(Duration.ZERO, Duration.ZERO, 400);
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .latency(slow)
                .turns(TWO_CALLS.withUsage(new Turn.Usage(100, 400, 0, 0)), Turn.text("Sunny in both."))
                .start()) {
            StreamingChatModel streaming = recordingEnd(claude(simulator).streamingChatModel(), events);
            AgentResult result = Agent.builder()
                    .streamingModel(streaming)
                    .tool(recorded)
                    .build()
                    .run("Weather?");
            assertThat(result.answer()).isEqualTo("Sunny in both.");
            assertToolResultsSentBack(simulator.requests().get(1));
            assertThat(simulator.requests()).allMatch(CapturedRequest::streaming);
            assertThat(events.indexOf("tool started Lyon")).isLessThan(events.indexOf("stream ended"));
        }
    }

    private static StreamingChatModel recordingEnd(StreamingChatModel model, List<String> events) {
        return new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                model.chat(request, new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String text) {
                        handler.onPartialResponse(text);
                    }

                    @Override
                    public void onCompleteToolCall(CompleteToolCall call) {
                        handler.onCompleteToolCall(call);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        events.add("stream ended");
                        handler.onCompleteResponse(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        handler.onError(error);
                    }
                });
            }
        };
    }

    @Test
    void modelRoutingSendsThePlanToTheFastModelIdAndTheJoinToTheMainOneOverBothApis() {
        String fast = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
        LatencyProfile slow = new LatencyProfile(Duration.ofMillis(400), Duration.ZERO, 1_000);
        LatencyProfile quick = new LatencyProfile(Duration.ofMillis(5), Duration.ZERO, 1_000);
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .turns(
                        Turn.text("{\"id\": 1, \"tool\": \"weather\", \"args\": {\"q\": \"Lyon\"}}\n"),
                        Turn.text("Sunny."))
                .latency(slow)
                .start()) {
            simulator.latency(fast, quick);
            ClaudeOnBedrock claude = claude(simulator);
            AgentResult result = Agent.builder()
                    .model(claude.chatModel())
                    .streamingModel(claude.streamingChatModel())
                    .planner(Planner.graph())
                    .modelInterceptor(ModelRouting.plansTo(fast))
                    .tool(weather())
                    .build()
                    .run("Weather in Lyon?");
            assertThat(result.answer()).isEqualTo("Sunny.");
            assertThat(simulator.requests())
                    .extracting(CapturedRequest::modelId, CapturedRequest::streaming)
                    .containsExactly(tuple(fast, true), tuple(MODEL, true));
            assertThat(simulator.requests())
                    .extracting(r -> r.latency().toMillis() >= 400)
                    .containsExactly(false, true);
        }
    }

    @Test
    void promptCacheReadsAndWritesAreCountedInUsage() {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .turns(Turn.text("cached").withUsage(new Turn.Usage(100, 10, 50, 20)))
                .start()) {
            AgentResult result =
                    Agent.builder().model(claude(simulator).chatModel()).build().run("hello");
            assertThat(result.usage().cacheReadTokens()).isEqualTo(50);
            assertThat(result.usage().cacheWriteTokens()).isEqualTo(20);
            assertThat(result.usage().totalTokens()).isEqualTo(180);
        }
    }

    /** A graph-planner agent on Claude with {@code cacheSharedPrefix()}, and a system prompt this long. */
    private static AgentResult runCachedGraphAgent(BedrockSimulator simulator, int promptChars, boolean streaming) {
        ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                .modelId(MODEL)
                .region("us-east-1")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .endpointOverride(simulator.endpoint())
                .cacheSharedPrefix()
                .build();
        Agent.Builder agent = Agent.builder()
                .model(claude.chatModel())
                .planner(Planner.graph())
                .systemPrompt("House rules. " + "Answer briefly and cite. ".repeat(promptChars / 24))
                .tool(weather());
        if (streaming) {
            agent.streamingModel(claude.streamingChatModel());
        }
        return agent.build().run("weather in Lyon?");
    }

    /** A plan of one weather look-up, then "Sunny." for the join. */
    private static Turn planThenJoin(JsonNode body) {
        return dev.quarry.testkit.ConverseBodies.systemText(body)
                        .contains(dev.quarry.agent.plan.GraphPlanner.PLAN_HEADER)
                ? Turn.text("{\"id\": 1, \"tool\": \"weather\", \"args\": {\"q\": \"Lyon\"}}")
                : Turn.text("Sunny.");
    }

    private static BedrockSimulator planThenJoinSimulator(LatencyProfile latency) {
        return BedrockSimulator.builder()
                .latency(latency)
                .script(BedrockEndToEndTest::planThenJoin)
                .start();
    }

    @Test
    void cacheSharedPrefixLetsTheJoinAndLaterRunsReadWhatThePlanWrote() {
        LatencyProfile prefill = new LatencyProfile(Duration.ZERO, Duration.ofNanos(100_000), 1e9);
        for (boolean streaming : List.of(false, true)) {
            try (BedrockSimulator simulator = planThenJoinSimulator(prefill)) {
                AgentResult first = runCachedGraphAgent(simulator, 8_000, streaming);
                AgentResult second = runCachedGraphAgent(simulator, 8_000, streaming);

                assertThat(first.answer()).isEqualTo("Sunny.");
                List<CapturedRequest> requests = simulator.requests();
                assertThat(requests).hasSize(4);
                CapturedRequest plan = requests.get(0);
                CapturedRequest join = requests.get(1);
                assertThat(plan.body().path("system").get(1).has("cachePoint")).isTrue();
                assertThat(plan.cacheReadTokens()).isZero();
                assertThat(plan.cacheWriteTokens()).isGreaterThan(2_000);
                assertThat(join.cacheReadTokens()).isEqualTo(plan.cacheWriteTokens());
                assertThat(requests.get(2).cacheReadTokens()).isEqualTo(plan.cacheWriteTokens());
                // a read takes no prompt processing: the join's time is that of its uncached tokens only
                assertThat(join.latency())
                        .isLessThan(prefill.timeToFirstToken(join.inputTokens() - plan.cacheWriteTokens() + 1));
                assertThat(first.usage().cacheWriteTokens()).isEqualTo(plan.cacheWriteTokens());
                assertThat(first.usage().cacheReadTokens()).isEqualTo(plan.cacheWriteTokens());
                assertThat(second.usage().cacheReadTokens()).isEqualTo(2L * plan.cacheWriteTokens());
                assertThat(second.usage().cacheWriteTokens()).isZero();
            }
        }
    }

    @Test
    void aSharedPrefixUnderTheMinimumIsNotCached() {
        try (BedrockSimulator simulator = planThenJoinSimulator(LatencyProfile.INSTANT)) {
            AgentResult result = runCachedGraphAgent(simulator, 400, false);
            assertThat(result.answer()).isEqualTo("Sunny.");
            assertThat(simulator
                            .requests()
                            .getFirst()
                            .body()
                            .path("system")
                            .get(1)
                            .has("cachePoint"))
                    .isTrue();
            assertThat(simulator.requests())
                    .extracting(CapturedRequest::cacheReadTokens, CapturedRequest::cacheWriteTokens)
                    .containsOnly(tuple(0, 0));
            assertThat(result.usage().cacheReadTokens() + result.usage().cacheWriteTokens())
                    .isZero();
        }
    }

    @Test
    void aModelsOwnCacheMinimumAppliesToItsRequestsOnly() {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .promptCacheMinimumTokens(MODEL, 4_096)
                .script(BedrockEndToEndTest::planThenJoin)
                .start()) {
            // about 2,000 tokens of shared prefix: over the general 1,024, under this model's 4,096
            AgentResult result = runCachedGraphAgent(simulator, 8_000, false);
            assertThat(result.answer()).isEqualTo("Sunny.");
            assertThat(result.usage().cacheReadTokens() + result.usage().cacheWriteTokens())
                    .isZero();
        }
    }

    @Test
    void aStalledStreamTimesOutAndIsRetried() {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .faults(Fault.STALLED_STREAM)
                .turns(Turn.text("after the stall"))
                .start()) {
            AgentResult result = Agent.builder()
                    .streamingModel(claude(simulator).streamingChatModel())
                    .streamIdleTimeout(Duration.ofMillis(300))
                    .modelRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                    .build()
                    .run("hello");
            assertThat(result.answer()).isEqualTo("after the stall");
            assertThat(simulator.requests()).hasSize(2);
            assertThat(result.usage().calls().getFirst().attempts()).isEqualTo(2);
        }
    }

    @Test
    void aConnectionResetOnTheBlockingPathIsRetried() {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .faults(Fault.TRUNCATED_STREAM)
                .turns(Turn.text("after the reset"))
                .start()) {
            AgentResult result = Agent.builder()
                    .model(claude(simulator).chatModel())
                    .modelRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                    .build()
                    .run("hello");
            assertThat(result.answer()).isEqualTo("after the reset");
            assertThat(simulator.requests()).hasSize(2);
        }
    }

    @Test
    void requestsPerModelCallEqualTheConfiguredAttempts() {
        try (BedrockSimulator simulator =
                BedrockSimulator.builder().faultRate(Fault.THROTTLING, 1.0).start()) {
            Agent agent = Agent.builder()
                    .model(claude(simulator).chatModel())
                    .modelRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                    .build();
            assertThatThrownBy(() -> agent.run("hello"))
                    .isInstanceOf(ModelCallException.class)
                    .hasMessageContaining("gave up after 3 attempts")
                    .satisfies(
                            e -> assertThat(((ModelCallException) e).attempts()).isEqualTo(3));
            assertThat(simulator.requests()).hasSize(3);
        }
    }

    @Test
    void throttlingAndUnavailabilityAreRetriedThenSucceed() {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                .faults(Fault.THROTTLING, Fault.SERVICE_UNAVAILABLE)
                .turns(Turn.text("finally"))
                .start()) {
            Agent agent = Agent.builder()
                    .model(claude(simulator).chatModel())
                    .modelRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                    .build();
            AgentResult result = agent.run("hello");
            assertThat(result.answer()).isEqualTo("finally");
            assertThat(simulator.requests()).hasSize(3);
            assertThat(result.usage().calls().getFirst().attempts()).isEqualTo(3);
        }
    }

    @Test
    void retriesThatWouldPassTheDeadlineFailWithATypedErrorBeforeIt() {
        try (BedrockSimulator simulator =
                BedrockSimulator.builder().faultRate(Fault.THROTTLING, 1.0).start()) {
            Agent agent = Agent.builder()
                    .model(claude(simulator).chatModel())
                    .modelRetry(new RetryPolicy(5, Duration.ofSeconds(60), Duration.ofSeconds(60)))
                    .limits(Limits.DEFAULT.withDeadline(Duration.ofSeconds(2)))
                    .build();
            long start = System.nanoTime();
            // a backoff drawn below the remaining time is slept; the next one cannot fit: either way the
            // run ends with DeadlineExceededException and never sleeps past its deadline
            assertThatThrownBy(() -> agent.run("hello")).isInstanceOf(DeadlineExceededException.class);
            assertThat(System.nanoTime() - start)
                    .isLessThan(Duration.ofSeconds(2).toNanos());
        }
    }

    @Test
    void accessDeniedAndBadRegionsGetExplained() {
        try (BedrockSimulator simulator =
                BedrockSimulator.builder().faults(Fault.ACCESS_DENIED).start()) {
            Agent agent = Agent.builder().model(claude(simulator).chatModel()).build();
            // a configuration error found during the call reaches the caller as itself, not wrapped
            assertThatThrownBy(() -> agent.run("hello"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("bedrock:InvokeModel");
            assertThat(simulator.requests()).hasSize(1);
        }
        assertThatThrownBy(() -> ClaudeOnBedrock.builder().region("mars-north-1"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown AWS region");
    }

    @Test
    void missingCredentialsAndRejectedRequestsGetExplainedWithoutRetrying() {
        try (BedrockSimulator simulator = BedrockSimulator.builder().start()) {
            // the SDK's own chain, with a profile that does not exist: what a machine without credentials sees
            ClaudeOnBedrock noCredentials = ClaudeOnBedrock.builder()
                    .region("us-east-1")
                    .credentials(AwsCredentialsProviderChain.of(
                            ProfileCredentialsProvider.create("quarry-test-profile-that-does-not-exist")))
                    .endpointOverride(simulator.endpoint())
                    .build();
            assertThatThrownBy(() -> Agent.builder()
                            .model(noCredentials.chatModel())
                            .build()
                            .run("hello"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("no AWS credentials found")
                    .hasMessageContaining("AWS_PROFILE")
                    .hasRootCauseInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
            assertThat(simulator.requests()).as("nothing unsigned is sent").isEmpty();
        }
        try (BedrockSimulator simulator =
                BedrockSimulator.builder().faults(Fault.VALIDATION).start()) {
            assertThatThrownBy(() -> Agent.builder()
                            .model(claude(simulator).chatModel())
                            .build()
                            .run("hello"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("Bedrock rejected the request");
            assertThat(simulator.requests()).hasSize(1);
        }
    }
}
