package dev.quarry.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * The Bedrock Agent Runtime {@code Rerank} API on WireMock, for the real AWS SDK client pointed at
 * {@link #endpoint()}: {@code POST /rerank} with text queries and inline text sources, answered with
 * {@code results} (each source's {@code index} and {@code relevanceScore}, best first, at most
 * {@code numberOfResults}). The shapes are those of the SDK's {@code RerankRequest} and
 * {@code RerankResponse}. Scores come from a function of the query and a document (by default the share of
 * the query's words the document contains); the answer waits {@code fixed + perDocument x sources}. A
 * request that does not have those shapes gets a 400 {@code ValidationException}, as Bedrock answers.
 */
public final class RerankSimulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRANSFORMER = "quarry-rerank";

    private final WireMockServer server;
    private final BiFunction<String, String, Double> score;
    private final Duration fixed;
    private final Duration perDocument;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    private RerankSimulator(BiFunction<String, String, Double> score, Duration fixed, Duration perDocument) {
        this.score = score;
        this.fixed = fixed;
        this.perDocument = perDocument;
        this.server = new WireMockServer(wireMockConfig()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .disableRequestJournal()
                .extensions(new Responder()));
        server.start();
        server.stubFor(post(urlPathEqualTo("/rerank")).willReturn(aResponse().withTransformers(TRANSFORMER)));
    }

    /** A simulator scoring by word overlap, with no latency. */
    public static RerankSimulator start() {
        return start(RerankSimulator::wordOverlap, Duration.ZERO, Duration.ZERO);
    }

    /** A simulator with this scoring and latency. */
    public static RerankSimulator start(
            BiFunction<String, String, Double> score, Duration fixed, Duration perDocument) {
        return new RerankSimulator(score, fixed, perDocument);
    }

    /** The share of the query's words (lower-cased, 3 letters or more) that {@code document} contains. */
    public static double wordOverlap(String query, String document) {
        Set<String> words = words(query);
        if (words.isEmpty()) {
            return 0;
        }
        Set<String> found = words(document);
        return words.stream().filter(found::contains).count() / (double) words.size();
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() >= 3) {
                words.add(word);
            }
        }
        return words;
    }

    /** The endpoint override for the SDK's {@code BedrockAgentRuntimeClient}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** Every request body received, in order. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop();
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
            JsonNode body;
            try {
                body = JSON.readTree(event.getRequest().getBodyAsString());
            } catch (JsonProcessingException e) {
                return invalid("the request body is not JSON");
            }
            requests.add(body);
            String query = body.at("/queries/0/textQuery/text").asText("");
            JsonNode sources = body.path("sources");
            int wanted = body.at("/rerankingConfiguration/bedrockRerankingConfiguration/numberOfResults")
                    .asInt(sources.size());
            String model = body.at("/rerankingConfiguration/bedrockRerankingConfiguration/modelConfiguration/modelArn")
                    .asText("");
            if (query.isEmpty() || !sources.isArray() || sources.isEmpty() || model.isEmpty()) {
                return invalid("a rerank request needs queries[0].textQuery.text, sources and"
                        + " rerankingConfiguration.bedrockRerankingConfiguration.modelConfiguration.modelArn");
            }
            List<double[]> scored = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                String text = sources.get(i)
                        .at("/inlineDocumentSource/textDocument/text")
                        .asText("");
                scored.add(new double[] {i, score.apply(query, text)});
            }
            scored.sort(Comparator.comparingDouble((double[] s) -> s[1]).reversed());
            ObjectNode response = JSON.createObjectNode();
            ArrayNode results = response.putArray("results");
            scored.stream()
                    .limit(wanted)
                    .forEach(s -> results.addObject().put("index", (int) s[0]).put("relevanceScore", (float) s[1]));
            long millis = fixed.toMillis() + perDocument.toMillis() * sources.size();
            return aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(response.toString())
                    .withFixedDelay((int) millis)
                    .build();
        }

        private ResponseDefinition invalid(String message) {
            return aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("x-amzn-ErrorType", "ValidationException")
                    .withBody(JSON.createObjectNode().put("message", message).toString())
                    .build();
        }
    }

    @Override
    public String toString() {
        return "RerankSimulator" + Arrays.asList(endpoint(), fixed, perDocument);
    }
}
