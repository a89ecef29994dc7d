package dev.quarry.index.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import dev.quarry.index.Chunker;
import dev.quarry.index.Embeddings;
import dev.quarry.index.IncompatibleIndexException;
import dev.quarry.index.SearchIndex;
import dev.quarry.index.SearchIndexContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.http.HttpHost;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * {@link SearchIndexContract} on a real two-node OpenSearch 3.8 cluster started inside this JVM, which has
 * no k-NN plugin, so vectors take the exact path; plus what only a shared cluster has: an index made by
 * someone else, or with another embedding dimension.
 */
class OpenSearchIndexContractTest extends SearchIndexContract {

    static OpenSearchRunner runner;
    static OpenSearchTransport transport;
    static OpenSearchClient client;
    static final AtomicInteger INDEXES = new AtomicInteger();

    @BeforeAll
    static void startCluster() throws Exception {
        Path home = Files.createTempDirectory("quarry-opensearch");
        runner = new OpenSearchRunner();
        // HTTP ports from 9201: the runner skips ports in use, up to 9299
        runner.build(newConfigs()
                .numOfNode(2)
                .clusterName("quarry-test")
                .basePath(home.toString())
                .disableESLogger());
        runner.ensureYellow();
        transport = ApacheHttpClient5TransportBuilder.builder(new HttpHost("http", "127.0.0.1", httpPort()))
                .setMapper(new JacksonJsonpMapper())
                .build();
        client = new OpenSearchClient(transport);
        assertThat(client.cluster().health().numberOfNodes()).isEqualTo(2);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (transport != null) {
            transport.close();
        }
        if (runner != null) {
            runner.close();
            runner.clean();
        }
    }

    @Override
    protected SearchIndex open(boolean vectors, Chunker chunker) {
        OpenSearchIndex.Builder builder = OpenSearchIndex.builder(client, "contract-" + INDEXES.incrementAndGet())
                .chunker(chunker)
                .shards(2, 1);
        if (vectors) {
            builder.embeddingModel(BGE).queryPrefix(Embeddings.BGE_QUERY_INSTRUCTION);
        }
        return builder.open();
    }

    @Test
    void anIndexOfAnotherDimensionOrNotMadeByQuarryIsRefused() throws Exception {
        String name = "dimension-" + INDEXES.incrementAndGet();
        OpenSearchIndex.builder(client, name).embeddingModel(BGE).open().close();
        assertThatThrownBy(() -> OpenSearchIndex.builder(client, name)
                        .embeddingModel(new Unused768())
                        .open())
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("dimension 384");
        client.indices().create(c -> c.index("foreign"));
        assertThatThrownBy(() -> OpenSearchIndex.builder(client, "foreign").open())
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("not created by Quarry");
        assertThatThrownBy(() -> OpenSearchIndex.builder(client, "needs-knn")
                        .embeddingModel(BGE)
                        .vectorSearch(OpenSearchIndex.VectorSearch.APPROXIMATE)
                        .open())
                .isInstanceOf(dev.quarry.index.IndexException.class)
                .hasMessageContaining("needs the k-NN plugin");
        assertThatThrownBy(() -> OpenSearchIndex.builder(client, "Bad Name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lowercase");
    }

    /** The HTTP port the runner gave the first node. */
    private static int httpPort() {
        return Integer.parseInt(runner.getNode(0).settings().get("http.port"));
    }

    /** Declares 768 dimensions: only opened against an index of another dimension, never asked to embed. */
    private static final class Unused768 implements dev.langchain4j.model.embedding.EmbeddingModel {
        @Override
        public dev.langchain4j.model.output.Response<java.util.List<dev.langchain4j.data.embedding.Embedding>> embedAll(
                java.util.List<dev.langchain4j.data.segment.TextSegment> segments) {
            throw new UnsupportedOperationException("never embeds");
        }

        @Override
        public int dimension() {
            return 768;
        }
    }
}
