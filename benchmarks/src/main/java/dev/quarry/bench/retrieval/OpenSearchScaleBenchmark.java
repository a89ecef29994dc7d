package dev.quarry.bench.retrieval;

import dev.quarry.bench.Percentiles;
import dev.quarry.index.Chunk;
import dev.quarry.index.Chunker;
import dev.quarry.index.Document;
import dev.quarry.index.Embeddings;
import dev.quarry.index.Hit;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import dev.quarry.index.opensearch.OpenSearchIndex;
import dev.quarry.index.opensearch.OpenSearchIndex.VectorSearch;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * The OpenSearch backend at scale, approximate against exact, side by side in one run: for each size, the
 * same synthetic chunks (about 500 characters, one chunk per document, {@link SeededVectors} of 384
 * dimensions) go into a k-NN index (HNSW, Lucene engine) and into an exact-path index on the same cluster;
 * then indexing throughput, recall@10 of the k-NN vector search against the true top 10 (computed here by
 * brute force over every chunk's vector), and top-10 latency p50/p99 of BM25, vector and hybrid search on
 * each index. Query vectors are seeded too, so latencies are the cluster's, without a model's cost. Both
 * indexes have 2 primary shards and no replica. Each row is written to the results file as soon as it is
 * measured, so a run cut short keeps what it measured.
 *
 * <p>Start a cluster with {@code ./bench opensearch-cluster}, then run {@code ./bench opensearch-scale --url
 * URL [--sizes 100000,1000000] [--queries N] [--exact-queries N] [--out DIR]}.
 */
public final class OpenSearchScaleBenchmark {

    private static final long SEED = 42;
    private static final int BATCH = 1_000;
    private static final int RECALL_QUERIES = 50;

    private OpenSearchScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        URI url = null;
        List<Integer> sizes = List.of(100_000, 1_000_000);
        int queries = 200;
        int exactQueries = 30;
        Path out = Path.of("docs", "benchmarks");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = URI.create(args[++i]);
                case "--sizes" ->
                    sizes = Arrays.stream(args[++i].split(","))
                            .map(String::strip)
                            .map(Integer::parseInt)
                            .toList();
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--exact-queries" -> exactQueries = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: bench opensearch-scale --url URL [--sizes 100000,1000000]"
                            + " [--queries N] [--exact-queries N] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        if (url == null) {
            System.err.println("--url is required: start a cluster with ./bench opensearch-cluster");
            System.exit(2);
        }
        Files.createDirectories(out);
        Results results = new Results(out.resolve("opensearch-scale-results.md"), notes(queries, exactQueries));
        try (OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(
                        new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                .setMapper(new JacksonJsonpMapper())
                // an exact search over a million chunks takes longer than the client's default 30 s
                .setRequestConfigCallback(config -> config.setResponseTimeout(Timeout.ofMinutes(10)))
                .build()) {
            OpenSearchClient client = new OpenSearchClient(transport);
            for (int size : sizes) {
                measure(client, size, queries, exactQueries, results);
            }
        }
        System.out.println(results.text());
    }

    /** The table so far, rewritten to its file after every row. */
    static final class Results {
        private final Path file;
        private final String notes;
        private final StringBuilder table =
                new StringBuilder("| chunks | measure | k-NN (HNSW) | exact |\n|---:|---|---:|---:|\n");

        Results(Path file, String notes) {
            this.file = file;
            this.notes = notes;
        }

        void row(int size, String what, String knn, String exact) throws IOException {
            table.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s |%n", size, what, knn, exact));
            System.err.printf(Locale.ROOT, "%,d %s: %s | %s%n", size, what, knn, exact);
            Files.writeString(file, text());
        }

        String text() {
            return table + notes;
        }
    }

    private static String notes(int queries, int exactQueries) {
        return String.format(
                Locale.ROOT,
                "%nSynthetic chunks of about 500 characters with seeded 384-dimension unit vectors (no semantic"
                        + " structure: the hardest case for HNSW); 2 primaries, no replica; a real two-node OpenSearch"
                        + " 3.5 server cluster with the k-NN plugin (HNSW on the Lucene engine, m 16, ef_construction"
                        + " 100, ef_search 100), 1 GB heap per node, on the same %d cores as this client. k-NN: %d"
                        + " queries per mode after %d warm-up; exact: %d after %d. Recall@10: the share of the true top"
                        + " 10 (brute force over every chunk's vector, here) that the k-NN top 10 holds, over %d"
                        + " queries.%n",
                Runtime.getRuntime().availableProcessors(),
                queries,
                queries / 2,
                exactQueries,
                exactWarmUp(exactQueries),
                RECALL_QUERIES);
    }

    private static int exactWarmUp(int exactQueries) {
        return exactQueries >= 10 ? 5 : 1;
    }

    static void measure(OpenSearchClient client, int size, int queries, int exactQueries, Results table)
            throws IOException {
        SyntheticCorpus corpus = new SyntheticCorpus(20_000, SEED);
        SeededVectors vectors = new SeededVectors(384, SEED);
        String knnName = "scale-knn-" + size;
        String exactName = "scale-exact-" + size;
        delete(client, knnName);
        delete(client, exactName);
        try (OpenSearchIndex knn = OpenSearchIndex.builder(client, knnName)
                        .embeddingModel(vectors)
                        .vectorSearch(VectorSearch.APPROXIMATE)
                        .shards(2, 0)
                        .open();
                OpenSearchIndex exact = OpenSearchIndex.builder(client, exactName)
                        .embeddingModel(vectors)
                        .vectorSearch(VectorSearch.EXACT)
                        .shards(2, 0)
                        .open()) {
            double knnSeconds = ingest(knn, corpus, size);
            double exactSeconds = ingest(exact, corpus, size);
            table.row(size, "indexing", rate(size, knnSeconds), rate(size, exactSeconds));
            List<String> texts = corpus.queries(Math.max(queries + queries / 2, RECALL_QUERIES));
            table.row(
                    size,
                    "vector recall@10 against the true top 10",
                    String.format(
                            Locale.ROOT, "%.3f", recall(knn, corpus, vectors, size, texts.subList(0, RECALL_QUERIES))),
                    "1 (exact by construction)");
            int warmUp = exactWarmUp(exactQueries);
            List<String> knnTexts = texts.subList(0, queries + queries / 2);
            List<String> exactTexts = texts.subList(0, exactQueries + warmUp);
            for (SearchMode mode : SearchMode.values()) {
                double[] approximate = LatencyBenchmark.latencies(knn, mode, knnTexts, queries / 2);
                double[] exhaustive =
                        mode == SearchMode.BM25 ? null : LatencyBenchmark.latencies(exact, mode, exactTexts, warmUp);
                for (double quantile : new double[] {0.5, 0.99}) {
                    table.row(
                            size,
                            String.format(Locale.ROOT, "%s top-10 p%.0f", mode, quantile * 100),
                            millis(Percentiles.nearestRank(approximate, quantile)),
                            exhaustive == null
                                    ? "(the same BM25)"
                                    : millis(Percentiles.nearestRank(exhaustive, quantile)));
                }
            }
        } finally {
            delete(client, knnName);
            delete(client, exactName);
        }
    }

    private static double ingest(OpenSearchIndex index, SyntheticCorpus corpus, int chunks) {
        long start = System.nanoTime();
        List<Document> batch = new ArrayList<>();
        for (int n = 0; n < chunks; n++) {
            batch.add(corpus.document(n, 500));
            if (batch.size() == BATCH) {
                index.upsertAll(batch);
                batch.clear();
                if ((n + 1) % 100_000 == 0) {
                    System.err.printf(Locale.ROOT, "%s: %d chunks%n", index.vectorSearch(), n + 1);
                }
            }
        }
        index.upsertAll(batch);
        index.commit();
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Recall@10 of the k-NN search against the true top 10, found by brute force: every chunk's vector is
     * computed again from the text the index embedded ({@link Embeddings#chunkText}) and compared with every
     * query vector in one pass.
     */
    private static double recall(
            OpenSearchIndex knn, SyntheticCorpus corpus, SeededVectors vectors, int size, List<String> texts) {
        float[][] queryVectors = new float[texts.size()][];
        List<PriorityQueue<Scored>> best = new ArrayList<>();
        for (int q = 0; q < texts.size(); q++) {
            queryVectors[q] = vectors.embed(texts.get(q)).content().vector();
            best.add(new PriorityQueue<>(Comparator.comparingDouble(Scored::score)));
        }
        Chunker chunker = Chunker.defaults();
        for (int n = 0; n < size; n++) {
            Document document = corpus.document(n, 500);
            for (Chunk chunk : chunker.chunk(document)) {
                float[] vector = vectors.embed(Embeddings.chunkText(document, chunk, true))
                        .content()
                        .vector();
                for (int q = 0; q < queryVectors.length; q++) {
                    double score = 0;
                    for (int i = 0; i < vector.length; i++) {
                        score += vector[i] * queryVectors[q][i];
                    }
                    PriorityQueue<Scored> top = best.get(q);
                    if (top.size() < 10) {
                        top.add(new Scored(document.id(), score));
                    } else if (score > top.peek().score()) {
                        top.poll();
                        top.add(new Scored(document.id(), score));
                    }
                }
            }
        }
        double found = 0;
        for (int q = 0; q < texts.size(); q++) {
            Set<String> truth = new HashSet<>();
            best.get(q).forEach(s -> truth.add(s.id()));
            found += knn
                            .search(SearchRequest.builder(texts.get(q))
                                    .mode(SearchMode.VECTOR)
                                    .k(10)
                                    .build())
                            .stream()
                            .map(Hit::documentId)
                            .filter(truth::contains)
                            .count()
                    / (double) truth.size();
        }
        return found / texts.size();
    }

    private record Scored(String id, double score) {}

    private static void delete(OpenSearchClient client, String index) throws IOException {
        client.generic()
                .execute(Requests.builder()
                        .method("DELETE")
                        .endpoint("/" + index)
                        .build())
                .close();
    }

    private static String rate(int chunks, double seconds) {
        return String.format(Locale.ROOT, "%.0f chunks/s (%.0f s)", chunks / seconds, seconds);
    }

    private static String millis(double value) {
        return String.format(Locale.ROOT, "%.1f ms", value);
    }
}
