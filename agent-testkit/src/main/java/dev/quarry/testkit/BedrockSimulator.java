package dev.quarry.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * A local HTTP server that speaks the Bedrock Runtime Converse and ConverseStream protocols, built on
 * WireMock, so the real AWS SDK client (and langchain4j-bedrock on top of it) can be tested offline.
 *
 * <ul>
 *   <li>Replies are scripted {@link Turn}s: a fixed sequence, or a function of the request JSON.
 *   <li>A {@link LatencyProfile} delays each reply (time to first token + output tokens at a rate);
 *       streaming replies dribble their event-stream bytes over that time.
 *   <li>{@link dev.quarry.testkit.Fault}s are injected by script (the next requests) or by seeded rate.
 *   <li>Every request is captured as the SDK sent it.
 *   <li>Prompt caching as Bedrock documents it ({@code cachePoint} blocks; see {@link PromptCache}): tokens
 *       read from the cache take no prompt-processing time ({@link LatencyProfile#firstTokenPerInputToken}),
 *       and usage reports them apart.
 * </ul>
 *
 * <p>Point a client at {@link #endpoint()} with any region and static dummy credentials.
 */
public final class BedrockSimulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRANSFORMER = "quarry-bedrock-simulator";

    private final WireMockServer server;
    private final Function<JsonNode, Turn> script;
    private volatile LatencyProfile latency;
    private final Map<String, LatencyProfile> modelLatencies = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<dev.quarry.testkit.Fault, Double> faultRates;
    private final Deque<dev.quarry.testkit.Fault> scriptedFaults = new ArrayDeque<>();
    private final Random random;
    private final List<CapturedRequest> requests = new ArrayList<>();
    private final PromptCache promptCache;

    private BedrockSimulator(Builder builder) {
        this.script = builder.script;
        this.latency = builder.latency;
        this.faultRates = new EnumMap<>(builder.faultRates);
        this.scriptedFaults.addAll(builder.scriptedFaults);
        this.random = new Random(builder.seed);
        this.promptCache =
                new PromptCache(builder.promptCacheMinimumTokens, Map.copyOf(builder.promptCacheMinimumTokensByModel));
        this.server = new WireMockServer(wireMockConfig()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .containerThreads(Math.max(32, builder.serverThreads))
                .jettyAcceptors(2)
                .disableRequestJournal()
                .extensions(new Responder()));
        server.start();
        server.stubFor(post(urlPathMatching("/model/.+/converse(-stream)?"))
                .willReturn(aResponse().withTransformers(TRANSFORMER)));
    }

    /** A builder for a simulator with no latency, no faults and an empty script. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URL to use as the SDK's endpoint override. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** Every request received so far, in arrival order. */
    public synchronized List<CapturedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Returns every request received so far and forgets them, so a long run does not hold them all. */
    public synchronized List<CapturedRequest> takeRequests() {
        List<CapturedRequest> taken = List.copyOf(requests);
        requests.clear();
        return taken;
    }

    /** Serves later replies with this latency: the same server, a faster or slower model. */
    public void latency(LatencyProfile newLatency) {
        this.latency = Objects.requireNonNull(newLatency);
    }

    /**
     * Serves later replies to requests for {@code modelId} (the id in the request path, as the client sent it)
     * with this latency, and every other model with the default one: a fast planning model beside the main one.
     */
    public void latency(String modelId, LatencyProfile modelLatency) {
        modelLatencies.put(Objects.requireNonNull(modelId), Objects.requireNonNull(modelLatency));
    }

    /** Forgets every cached prompt prefix: the next requests find the cache empty. */
    public void clearPromptCache() {
        promptCache.clear();
    }

    /** Answers the next requests with these faults, in order, before any scripted turn or rate. */
    public synchronized void injectFaults(dev.quarry.testkit.Fault... faults) {
        scriptedFaults.addAll(List.of(faults));
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Input tokens the simulator charges for a request body: four characters of its JSON a token. */
    public static int inputTokens(JsonNode body) {
        return Math.max(1, body.toString().length() / 4);
    }

    private synchronized Decision decide(String modelId, boolean streaming, JsonNode body) {
        long receivedNanos = System.nanoTime();
        dev.quarry.testkit.Fault fault = scriptedFaults.pollFirst();
        if (fault == null) {
            for (Map.Entry<dev.quarry.testkit.Fault, Double> rate : faultRates.entrySet()) {
                if (random.nextDouble() < rate.getValue()) {
                    fault = rate.getKey();
                    break;
                }
            }
        }
        Turn turn = fault == null ? script.apply(body) : null;
        int inputTokens = inputTokens(body);
        int outputTokens = turn == null ? 0 : turn.outputTokens();
        LatencyProfile profile = modelLatencies.getOrDefault(modelId, this.latency);
        PromptCache.Outcome cache = turn == null
                ? PromptCache.Outcome.NONE
                : promptCache.serve(
                        modelId,
                        body,
                        receivedNanos,
                        // whole milliseconds, as the reply is delayed: readable before the reply starts
                        receivedNanos
                                + Duration.ofMillis(profile.timeToFirstToken(inputTokens)
                                                .toMillis())
                                        .toNanos());
        int processed = Math.max(0, inputTokens - cache.readTokens());
        Timing timing = turn == null ? new Timing(0, 0) : Timing.of(profile, processed, turn, streaming);
        requests.add(new CapturedRequest(
                modelId,
                streaming,
                body,
                fault,
                receivedNanos,
                inputTokens,
                outputTokens,
                Duration.ofMillis(timing.total()),
                cache.readTokens(),
                cache.writeTokens()));
        return new Decision(
                fault,
                turn,
                timing,
                new Turn.Usage(
                        Math.max(0, inputTokens - cache.readTokens() - cache.writeTokens()),
                        outputTokens,
                        cache.readTokens(),
                        cache.writeTokens()));
    }

    /** What to answer; {@code usage} is what the request measured: input tokens net of the cache's. */
    private record Decision(dev.quarry.testkit.Fault fault, Turn turn, Timing timing, Turn.Usage usage) {}

    /**
     * When a reply's bytes go out, in whole milliseconds (what the server can delay by): a blocking reply
     * after {@code beforeVisible}; a stream holds its first visible token back for {@code beforeVisible}
     * (time to first token plus thinking), then spreads the visible output over {@code visible}.
     */
    private record Timing(long beforeVisible, long visible) {
        /** @param inputTokens the input tokens the model processes: those not read from the prompt cache */
        static Timing of(LatencyProfile profile, int inputTokens, Turn turn, boolean streaming) {
            if (!streaming) {
                return new Timing(
                        profile.total(inputTokens, turn.outputTokens()).toMillis(), 0);
            }
            return new Timing(
                    profile.timeToFirstToken(inputTokens)
                            .plus(profile.generation(turn.thinkingTokens()))
                            .toMillis(),
                    profile.generation(turn.visibleOutputTokens()).toMillis());
        }

        long total() {
            return beforeVisible + visible;
        }
    }

    private final class Responder implements ResponseDefinitionTransformerV2 {

        @Override
        public String getName() {
            return TRANSFORMER;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String path = event.getRequest().getUrl();
            boolean streaming = path.contains("/converse-stream");
            String encodedId = path.substring("/model/".length(), path.lastIndexOf('/'));
            String modelId = URLDecoder.decode(encodedId, StandardCharsets.UTF_8);
            JsonNode body;
            try {
                body = JSON.readTree(event.getRequest().getBodyAsString());
            } catch (JsonProcessingException e) {
                return error(dev.quarry.testkit.Fault.VALIDATION, "request body is not JSON");
            }
            Decision decision = decide(modelId, streaming, body);
            Turn.Usage measured = decision.usage();
            if (decision.fault() != null) {
                return fault(decision.fault(), streaming, measured);
            }
            Turn turn = decision.turn();
            Timing timing = decision.timing();
            if (!streaming) {
                return converse(turn, measured, timing.total());
            }
            return stream(turn, measured, timing.beforeVisible(), timing.visible());
        }

        private ResponseDefinition converse(Turn turn, Turn.Usage measured, long millis) {
            ObjectNode response = JSON.createObjectNode();
            ObjectNode message = response.putObject("output").putObject("message");
            message.put("role", "assistant");
            ArrayNode content = message.putArray("content");
            for (Object block : turn.blocks()) {
                if (block instanceof String text) {
                    content.addObject().put("text", text);
                } else {
                    Turn.ToolUse use = (Turn.ToolUse) block;
                    ObjectNode toolUse = content.addObject().putObject("toolUse");
                    toolUse.put("toolUseId", use.id()).put("name", use.name());
                    toolUse.set("input", parse(use.inputJson()));
                }
            }
            response.put("stopReason", turn.stopReason());
            response.set("usage", usage(turn, measured));
            response.putObject("metrics").put("latencyMs", millis);
            return aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(response.toString())
                    .withFixedDelay((int) millis)
                    .build();
        }

        private ResponseDefinition stream(Turn turn, Turn.Usage measured, long beforeFirstVisible, long visible) {
            byte[] bytes = streamBytes(turn, measured, beforeFirstVisible + visible);
            // About one chunk per five visible tokens, so streamed tool calls and plan lines arrive in order
            // and spread over the generation time.
            int chunks = Math.max(
                    2,
                    Math.min(
                            128,
                            Math.max(
                                    turn.visibleOutputTokens() / 5,
                                    2 + turn.toolUses().size() * 3)));
            var response = aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/vnd.amazon.eventstream")
                    .withBody(bytes);
            if (beforeFirstVisible > 0) {
                response.withFixedDelay((int) beforeFirstVisible);
            }
            if (visible > 0) {
                response.withChunkedDribbleDelay(chunks, (int) visible);
            }
            return response.build();
        }

        private byte[] streamBytes(Turn turn, Turn.Usage measured, long millis) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(out, "messageStart", JSON.createObjectNode().put("role", "assistant"));
            int index = 0;
            for (Object block : turn.blocks()) {
                if (block instanceof String text) {
                    for (String piece : pieces(text)) {
                        ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", index);
                        delta.putObject("delta").put("text", piece);
                        write(out, "contentBlockDelta", delta);
                    }
                } else {
                    Turn.ToolUse use = (Turn.ToolUse) block;
                    ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", index);
                    start.putObject("start")
                            .putObject("toolUse")
                            .put("toolUseId", use.id())
                            .put("name", use.name());
                    write(out, "contentBlockStart", start);
                    ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", index);
                    delta.putObject("delta").putObject("toolUse").put("input", use.inputJson());
                    write(out, "contentBlockDelta", delta);
                }
                write(out, "contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", index));
                index++;
            }
            write(out, "messageStop", JSON.createObjectNode().put("stopReason", turn.stopReason()));
            ObjectNode metadata = JSON.createObjectNode();
            metadata.set("usage", usage(turn, measured));
            metadata.putObject("metrics").put("latencyMs", millis);
            write(out, "metadata", metadata);
            return out.toByteArray();
        }

        private static List<String> pieces(String text) {
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < text.length(); i += 40) {
                pieces.add(text.substring(i, Math.min(text.length(), i + 40)));
            }
            return pieces;
        }

        private static void write(ByteArrayOutputStream out, String eventType, JsonNode payload) {
            Map<String, HeaderValue> headers = new LinkedHashMap<>();
            headers.put(":message-type", HeaderValue.fromString("event"));
            headers.put(":event-type", HeaderValue.fromString(eventType));
            headers.put(":content-type", HeaderValue.fromString("application/json"));
            ByteBuffer buffer =
                    new Message(headers, payload.toString().getBytes(StandardCharsets.UTF_8)).toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            out.writeBytes(bytes);
        }

        /** The turn's scripted usage, or what the request measured; input tokens exclude the cache's. */
        private ObjectNode usage(Turn turn, Turn.Usage measured) {
            Turn.Usage usage = turn.usage() != null ? turn.usage() : measured;
            int input = usage.inputTokens() == Turn.Usage.MEASURED ? measured.inputTokens() : usage.inputTokens();
            int output = turn.outputTokens();
            ObjectNode node = JSON.createObjectNode()
                    .put("inputTokens", input)
                    .put("outputTokens", output)
                    .put("totalTokens", input + output);
            if (usage.cacheReadTokens() > 0) {
                node.put("cacheReadInputTokens", usage.cacheReadTokens());
            }
            if (usage.cacheWriteTokens() > 0) {
                node.put("cacheWriteInputTokens", usage.cacheWriteTokens());
            }
            return node;
        }

        private ResponseDefinition fault(dev.quarry.testkit.Fault fault, boolean streaming, Turn.Usage measured) {
            return switch (fault) {
                case MALFORMED_JSON ->
                    aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"output\": {\"message\": ")
                            .build();
                case TRUNCATED_STREAM -> {
                    if (!streaming) {
                        yield aResponse()
                                .withFault(Fault.CONNECTION_RESET_BY_PEER)
                                .build();
                    }
                    Turn partial = Turn.toolUse("", new Turn.ToolUse("cut", "cut", "{}"));
                    byte[] bytes = streamBytes(partial, measured, 0);
                    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length / 3);
                    yield aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/vnd.amazon.eventstream")
                            .withBody(cut)
                            .build();
                }
                case STALLED_STREAM -> {
                    byte[] bytes = streaming
                            ? streamBytes(Turn.text("stalled"), measured, 0)
                            : "{\"output\": {\"message\": {\"role\": \"assistant\", \"content\": []}}}"
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    yield aResponse()
                            .withStatus(200)
                            .withHeader(
                                    "Content-Type",
                                    streaming ? "application/vnd.amazon.eventstream" : "application/json")
                            .withBody(bytes)
                            .withChunkedDribbleDelay(2, 120_000)
                            .build();
                }
                default -> error(fault, fault.message());
            };
        }

        private ResponseDefinition error(dev.quarry.testkit.Fault fault, String message) {
            return aResponse()
                    .withStatus(fault.status())
                    .withHeader("Content-Type", "application/json")
                    .withHeader(
                            "x-amzn-ErrorType",
                            fault.errorType() + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
                    .withHeader("x-amzn-RequestId", java.util.UUID.randomUUID().toString())
                    .withBody(JSON.createObjectNode().put("message", message).toString())
                    .build();
        }

        private static JsonNode parse(String json) {
            try {
                return JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("scripted tool input is not JSON: " + json, e);
            }
        }
    }

    /** Configures a {@link BedrockSimulator}. */
    public static final class Builder {
        private Function<JsonNode, Turn> script = request -> Turn.text("(no script)");
        private LatencyProfile latency = LatencyProfile.INSTANT;
        private final Map<dev.quarry.testkit.Fault, Double> faultRates = new EnumMap<>(dev.quarry.testkit.Fault.class);
        private final List<dev.quarry.testkit.Fault> scriptedFaults = new ArrayList<>();
        private long seed = 42;
        private int serverThreads = 64;
        private int promptCacheMinimumTokens = 1_024;
        private final Map<String, Integer> promptCacheMinimumTokensByModel = new LinkedHashMap<>();

        private Builder() {}

        /** Replies computed from each request's JSON body. */
        public Builder script(Function<JsonNode, Turn> script) {
            this.script = Objects.requireNonNull(script);
            return this;
        }

        /** Replies with these turns in order; a request past the last is answered with a clear error text. */
        public Builder turns(Turn... turns) {
            Deque<Turn> queue = new ArrayDeque<>(List.of(turns));
            this.script = request -> {
                synchronized (queue) {
                    Turn next = queue.pollFirst();
                    return next != null ? next : Turn.text("(simulator script exhausted)");
                }
            };
            return this;
        }

        /** How long replies take: time to first token and per output token. */
        public Builder latency(LatencyProfile latency) {
            this.latency = Objects.requireNonNull(latency);
            return this;
        }

        /** Answers a fraction of requests with {@code fault}, drawn from the seeded generator. */
        public Builder faultRate(dev.quarry.testkit.Fault fault, double rate) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("fault rate must be in [0, 1]");
            }
            faultRates.put(fault, rate);
            return this;
        }

        /** Answers the first requests with these faults, in order. */
        public Builder faults(dev.quarry.testkit.Fault... faults) {
            scriptedFaults.addAll(List.of(faults));
            return this;
        }

        /** Seeds the random choices (latency jitter, random faults) so a run can be repeated. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Server threads; raise for many concurrent slow replies. Default 64. */
        public Builder serverThreads(int threads) {
            this.serverThreads = threads;
            return this;
        }

        /**
         * The shortest prefix a cache checkpoint caches, in tokens: 1,024 (Claude Sonnet and Opus models on
         * Bedrock) unless set; the Bedrock user guide gives 4,096 for Claude Haiku 4.5.
         */
        public Builder promptCacheMinimumTokens(int tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("promptCacheMinimumTokens must be at least 1, was " + tokens);
            }
            this.promptCacheMinimumTokens = tokens;
            return this;
        }

        /** The shortest cacheable prefix for requests to {@code modelId}; others keep the general minimum. */
        public Builder promptCacheMinimumTokens(String modelId, int tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("promptCacheMinimumTokens must be at least 1, was " + tokens);
            }
            promptCacheMinimumTokensByModel.put(Objects.requireNonNull(modelId, "modelId"), tokens);
            return this;
        }

        /** Starts the server on a free loopback port. */
        public BedrockSimulator start() {
            return new BedrockSimulator(this);
        }
    }
}
