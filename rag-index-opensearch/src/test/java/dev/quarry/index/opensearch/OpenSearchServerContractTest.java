package dev.quarry.index.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.index.Chunker;
import dev.quarry.index.Document;
import dev.quarry.index.Embeddings;
import dev.quarry.index.Hit;
import dev.quarry.index.IncompatibleIndexException;
import dev.quarry.index.SearchIndex;
import dev.quarry.index.SearchIndexContract;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import dev.quarry.index.opensearch.OpenSearchIndex.VectorSearch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * {@link SearchIndexContract} on a real two-node OpenSearch 3.5 server cluster with the k-NN plugin, started
 * from the distribution as separate processes ({@link ServerCluster}), so vectors are searched approximately
 * (HNSW) with filters inside the graph search; plus the choice between that and the exact path.
 *
 * <p>Where the server cannot run, the tests are skipped with the reason only when
 * {@code -Dquarry.opensearch.server=optional}; by default (and in CI) that is a failure.
 */
class OpenSearchServerContractTest extends SearchIndexContract {

    static ServerCluster cluster;
    static OpenSearchTransport transport;
    static OpenSearchClient client;
    static final AtomicInteger INDEXES = new AtomicInteger();

    @BeforeAll
    static void startServers() throws Exception {
        try {
            cluster = ServerCluster.start(2);
        } catch (ServerCluster.CannotStart e) {
            if ("optional".equals(System.getProperty("quarry.opensearch.server"))) {
                Assumptions.abort("OpenSearch server tests skipped: " + e.getMessage());
            }
            throw new AssertionError(
                    "the OpenSearch server cluster did not start (pass"
                            + " -Dquarry.opensearch.server=optional to skip these tests where it cannot): "
                            + e.getMessage(),
                    e);
        }
        transport = ApacheHttpClient5TransportBuilder.builder(new HttpHost("http", "127.0.0.1", cluster.httpPort()))
                .setMapper(new JacksonJsonpMapper())
                .build();
        client = new OpenSearchClient(transport);
        assertThat(client.cluster().health().numberOfNodes()).isEqualTo(2);
    }

    @AfterAll
    static void stopServers() throws IOException {
        if (transport != null) {
            transport.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected SearchIndex open(boolean vectors, Chunker chunker) {
        OpenSearchIndex.Builder builder = OpenSearchIndex.builder(client, "server-" + INDEXES.incrementAndGet())
                .chunker(chunker)
                .shards(2, 1);
        if (vectors) {
            builder.embeddingModel(BGE).queryPrefix(Embeddings.BGE_QUERY_INSTRUCTION);
        }
        OpenSearchIndex index = builder.open();
        assertThat(index.vectorSearch()).isEqualTo(vectors ? VectorSearch.APPROXIMATE : VectorSearch.EXACT);
        return index;
    }

    @Test
    void withThePluginVectorsAreAKnnFieldAndFiltersApplyInsideTheGraphSearch() throws Exception {
        String name = "knn-" + INDEXES.incrementAndGet();
        try (OpenSearchIndex index = OpenSearchIndex.builder(client, name)
                .embeddingModel(BGE)
                .queryPrefix(Embeddings.BGE_QUERY_INSTRUCTION)
                .shards(2, 1)
                .open()) {
            JsonNode mapping = json("GET", "/" + name + "/_mapping").path(name).path("mappings");
            assertThat(mapping.path("properties").path("vector").path("type").asText())
                    .isEqualTo("knn_vector");
            assertThat(mapping.path("properties")
                            .path("vector")
                            .path("method")
                            .path("engine")
                            .asText())
                    .isEqualTo("lucene");
            List<Document> documents = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String team = i % 10 == 0 ? "rare" : "common";
                documents.add(new Document(
                        "d" + i,
                        "Report " + i + " about turbine blade cooling and wing design.",
                        "",
                        "",
                        Map.of("team", team)));
            }
            index.upsertAll(documents);
            index.commit();
            // 4 of 40 chunks pass the filter: a filter applied after the graph search would miss most of them
            List<Hit> rare = index.search(SearchRequest.builder("turbine cooling")
                    .mode(SearchMode.VECTOR)
                    .filter("team", "rare")
                    .k(4)
                    .build());
            assertThat(rare).extracting(Hit::documentId).containsExactlyInAnyOrder("d0", "d10", "d20", "d30");
            List<Hit> hybrid = index.search(SearchRequest.builder("turbine cooling")
                    .mode(SearchMode.HYBRID)
                    .filter("team", "rare")
                    .k(10)
                    .build());
            assertThat(hybrid).extracting(Hit::documentId).containsExactlyInAnyOrder("d0", "d10", "d20", "d30");
        }
    }

    @Test
    void theExactPathCanBeForcedAndAnIndexKeepsTheModeItWasCreatedWith() throws Exception {
        String name = "exact-" + INDEXES.incrementAndGet();
        try (OpenSearchIndex exact = OpenSearchIndex.builder(client, name)
                .embeddingModel(BGE)
                .queryPrefix(Embeddings.BGE_QUERY_INSTRUCTION)
                .vectorSearch(VectorSearch.EXACT)
                .open()) {
            assertThat(exact.vectorSearch()).isEqualTo(VectorSearch.EXACT);
            exact.upsertAll(List.of(
                    Document.of("cats", "Felines sleep most of the day."),
                    Document.of("cars", "Automobiles need fuel and engine maintenance.")));
            exact.commit();
            assertThat(exact.search(SearchRequest.builder("kitten naps")
                            .mode(SearchMode.VECTOR)
                            .k(1)
                            .build()))
                    .extracting(Hit::documentId)
                    .containsExactly("cats");
        }
        try (OpenSearchIndex reopened =
                OpenSearchIndex.builder(client, name).embeddingModel(BGE).open()) {
            assertThat(reopened.vectorSearch()).isEqualTo(VectorSearch.EXACT);
        }
        assertThatThrownBy(() -> OpenSearchIndex.builder(client, name)
                        .embeddingModel(BGE)
                        .vectorSearch(VectorSearch.APPROXIMATE)
                        .open())
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("created for EXACT vector search");
    }

    private static JsonNode json(String method, String endpoint) throws IOException {
        try (var response = client.generic()
                .execute(Requests.builder().method(method).endpoint(endpoint).build())) {
            return new ObjectMapper().readTree(response.getBody().orElseThrow().bodyAsString());
        }
    }
}
