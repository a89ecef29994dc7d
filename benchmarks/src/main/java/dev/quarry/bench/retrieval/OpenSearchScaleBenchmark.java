package dev.quarry.bench.retrieval;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.quarry.bench.Percentiles;
import dev.quarry.index.Chunk;
import dev.quarry.index.Document;
import dev.quarry.index.Embeddings;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.Retriever;
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
 * same chunks go into a k-NN index (HNSW, Lucene engine) and into an exact-path index on the same cluster;
 * then indexing throughput, recall@10 of the k-NN vector search against the true top 10 (computed here by
 * brute force over every chunk's vector) for each {@code ef_search} asked, optionally the same recall in
 * process ({@code LuceneIndex}), and top-10 latency p50/p99 of BM25, vector and hybrid search on each index.
 * The chunks are synthetic with seeded vectors by default, or real text embedded with BGE ({@code --corpus},
 * {@link ScaleCorpus}); chunk and query vectors are computed before anything is timed, so latencies and
 * throughput are the cluster's, without a model's cost. Both indexes have 2 primary shards and no replica.
 * Each row is written to the results file as soon as it is measured, so a run cut short keeps what it
 * measured.
 *
 * <p>Start a cluster with {@code ./bench opensearch-cluster}, then run {@code ./bench opensearch-scale --url
 * URL [--sizes 100000,1000000] [--queries N] [--exact-queries N] [--recall-queries N] [--ef-search 100,...]
 * [--corpus DIR [--chunk-chars N] [--vector-cache DIR]] [--in-process DIR] [--out DIR]}.
 */
public final class OpenSearchScaleBenchmark {

    private static final long SEED = 42;
    private static final int BATCH = 1_000;

    private OpenSearchScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        URI url = null;
        List<Integer> sizes = List.of(100_000, 1_000_000);
        int queries = 200;
        int exactQueries = 30;
        int recallQueries = 50;
        Path corpusFolder = null;
        int chunkChars = 400;
        Path vectorCache = Path.of("target", "vector-cache");
        List<Integer> efSearches = List.of(100);
        Path luceneFolder = null;
        Path out = Path.of("docs", "benchmarks");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = URI.create(args[++i]);
                case "--sizes" -> sizes = integers(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--exact-queries" -> exactQueries = Integer.parseInt(args[++i]);
                case "--corpus" -> corpusFolder = Path.of(args[++i]);
                case "--chunk-chars" -> chunkChars = Integer.parseInt(args[++i]);
                case "--vector-cache" -> vectorCache = Path.of(args[++i]);
                case "--ef-search" -> efSearches = integers(args[++i]);
                case "--in-process" -> luceneFolder = Path.of(args[++i]);
                case "--recall-queries" -> recallQueries = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println(
                            "usage: bench opensearch-scale --url URL [--sizes 100000,1000000]"
                                    + " [--queries N] [--exact-queries N] [--recall-queries N] [--ef-search 100,...]"
                                    + " [--corpus DIR [--chunk-chars 400] [--vector-cache DIR]] [--in-process DIR] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        if (url == null) {
            System.err.println("--url is required: start a cluster with ./bench opensearch-cluster");
            System.exit(2);
        }
        Files.createDirectories(out);
        try (ScaleCorpus corpus = corpusFolder == null
                        ? ScaleCorpus.synthetic(SEED)
                        : ScaleCorpus.folder(
                                corpusFolder,
                                chunkChars,
                                vectorCache.resolve(corpusFolder.getFileName() + "-" + chunkChars + ".vectors"));
                OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(
                                new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                        .setMapper(new JacksonJsonpMapper())
                        // an exact search over a million chunks takes longer than the client's default 30 s
                        .setRequestConfigCallback(config -> config.setResponseTimeout(Timeout.ofMinutes(10)))
                        .build()) {
            OpenSearchClient client = new OpenSearchClient(transport);
            Results results = new Results(
                    out.resolve(
                            corpusFolder == null
                                    ? "opensearch-scale-results.md"
                                    : "opensearch-scale-results-" + corpusFolder.getFileName() + ".md"),
                    notes(corpus, queries, exactQueries, recallQueries));
            for (int size : sizes) {
                measure(client, corpus, size, queries, exactQueries, recallQueries, efSearches, luceneFolder, results);
            }
            System.out.println(results.text());
        }
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

    private static String notes(ScaleCorpus corpus, int queries, int exactQueries, int recallQueries) {
        return String.format(
                Locale.ROOT,
                "%n%s 2 primaries, no replica; a real two-node OpenSearch 3.5 server cluster with the k-NN plugin"
                        + " (HNSW on the Lucene engine, m 16, ef_construction 100; ef_search 100 unless the row says),"
                        + " 1 GB heap per node, on the same %d cores as this client. k-NN: %d queries per mode after %d"
                        + " warm-up; exact: %d after %d. Recall@10: the share of the true top 10 (brute force over every"
                        + " chunk's vector, here) that the top 10 holds, over %d queries.%n",
                corpus.description(),
                Runtime.getRuntime().availableProcessors(),
                queries,
                queries / 2,
                exactQueries,
                exactWarmUp(exactQueries),
                recallQueries);
    }

    private static List<Integer> integers(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .map(Integer::parseInt)
                .toList();
    }

    private static int exactWarmUp(int exactQueries) {
        return exactQueries >= 10 ? 5 : 1;
    }

    static void measure(
            OpenSearchClient client,
            ScaleCorpus corpus,
            int size,
            int queries,
            int exactQueries,
            int recallQueries,
            List<Integer> efSearches,
            Path luceneFolder,
            Results table)
            throws IOException {
        String knnName = "scale-knn-" + size;
        String exactName = "scale-exact-" + size;
        delete(client, knnName);
        delete(client, exactName);
        List<Document> documents = corpus.documents(size);
        corpus.prepare(documents);
        try (OpenSearchIndex knn = open(client, knnName, corpus, VectorSearch.APPROXIMATE, 100);
                OpenSearchIndex exact = open(client, exactName, corpus, VectorSearch.EXACT, 100)) {
            double knnSeconds = ingest(knn, documents);
            double exactSeconds = ingest(exact, documents);
            int chunks = documents.stream()
                    .mapToInt(d -> corpus.chunker().chunk(d).size())
                    .sum();
            table.row(size, "indexing", rate(chunks, knnSeconds), rate(chunks, exactSeconds));
            List<String> texts = corpus.queries(Math.max(queries + queries / 2, recallQueries));
            List<String> recallTexts = texts.subList(0, recallQueries);
            corpus.model()
                    .embedAll(texts.stream()
                            .map(text -> TextSegment.from(corpus.queryPrefix() + text))
                            .toList());
            List<Set<String>> truth = truth(corpus, documents, recallTexts);
            warmUp(knn, recallTexts);
            for (int ef : efSearches) {
                try (OpenSearchIndex tuned = open(client, knnName, corpus, VectorSearch.APPROXIMATE, ef)) {
                    table.row(
                            size,
                            "vector recall@10 against the true top 10, ef_search " + ef + " (vector p50)",
                            recallAndLatency(tuned, recallTexts, truth),
                            "1 (exact by construction)");
                }
            }
            if (luceneFolder != null) {
                luceneRecall(
                        corpus,
                        documents,
                        recallTexts,
                        truth,
                        efSearches,
                        luceneFolder.resolve("scale-" + size),
                        size,
                        table);
            }
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

    private static OpenSearchIndex open(
            OpenSearchClient client, String name, ScaleCorpus corpus, VectorSearch mode, int efSearch) {
        return OpenSearchIndex.builder(client, name)
                .embeddingModel(corpus.model())
                .queryPrefix(corpus.queryPrefix())
                .chunker(corpus.chunker())
                .vectorSearch(mode)
                .efSearch(efSearch)
                .shards(2, 0)
                .open();
    }

    /**
     * The same chunks and vectors in process ({@link LuceneIndex} with its defaults: scalar-quantized HNSW):
     * indexing throughput, then recall@10 of a top-10 vector search for each {@code efSearch} (the index is
     * reopened with each; it is a search-time setting). The folder is deleted afterwards.
     */
    private static void luceneRecall(
            ScaleCorpus corpus,
            List<Document> documents,
            List<String> texts,
            List<Set<String>> truth,
            List<Integer> efSearches,
            Path folder,
            int size,
            Results table)
            throws IOException {
        try {
            try (LuceneIndex lucene = lucene(corpus, folder, LuceneIndex.DEFAULT_EF_SEARCH)) {
                long start = System.nanoTime();
                for (int i = 0; i < documents.size(); i += BATCH) {
                    lucene.upsertAll(documents.subList(i, Math.min(documents.size(), i + BATCH)));
                }
                lucene.commit();
                table.row(
                        size,
                        "in process (LuceneIndex, quantized HNSW): indexing",
                        rate((int) lucene.stats().chunks(), (System.nanoTime() - start) / 1e9),
                        "");
            }
            for (int ef : efSearches) {
                try (LuceneIndex lucene = lucene(corpus, folder, ef)) {
                    warmUp(lucene, texts);
                    table.row(
                            size,
                            "in process: vector recall@10, efSearch " + ef + " (vector p50)",
                            recallAndLatency(lucene, texts, truth),
                            "");
                }
            }
        } finally {
            try (var files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Recall@10 over the queries, and the median latency of those searches in brackets. */
    private static String recallAndLatency(Retriever index, List<String> texts, List<Set<String>> truth) {
        double[] millis = LatencyBenchmark.latencies(index, SearchMode.VECTOR, texts, 0);
        return String.format(
                Locale.ROOT, "%.3f (%s)", recall(index, texts, truth), millis(Percentiles.nearestRank(millis, 0.5)));
    }

    /** One unmeasured pass of vector searches, so the first measured setting does not pay for the warm-up. */
    private static void warmUp(Retriever index, List<String> texts) {
        LatencyBenchmark.latencies(index, SearchMode.VECTOR, texts, texts.size());
    }

    private static LuceneIndex lucene(ScaleCorpus corpus, Path folder, int efSearch) {
        return LuceneIndex.builder()
                .path(folder)
                .embeddingModel(corpus.model())
                .queryPrefix(corpus.queryPrefix())
                .chunker(corpus.chunker())
                .efSearch(efSearch)
                .open();
    }

    private static double ingest(OpenSearchIndex index, List<Document> documents) {
        long start = System.nanoTime();
        for (int i = 0; i < documents.size(); i += BATCH) {
            index.upsertAll(documents.subList(i, Math.min(documents.size(), i + BATCH)));
            if ((i / BATCH + 1) % 100 == 0) {
                System.err.printf(Locale.ROOT, "%s: %d documents%n", index.vectorSearch(), i + BATCH);
            }
        }
        index.commit();
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * The true top 10 chunks of each query, found by brute force: every chunk's vector is computed again from
     * the text the index embedded ({@link Embeddings#chunkText}) and compared with every query vector in one
     * pass. Chunks are named {@code documentId#ordinal}.
     */
    private static List<Set<String>> truth(ScaleCorpus corpus, List<Document> documents, List<String> texts) {
        EmbeddingModel model = corpus.model();
        float[][] queryVectors = new float[texts.size()][];
        List<PriorityQueue<Scored>> best = new ArrayList<>();
        for (int q = 0; q < texts.size(); q++) {
            queryVectors[q] =
                    model.embed(corpus.queryPrefix() + texts.get(q)).content().vector();
            best.add(new PriorityQueue<>(Comparator.comparingDouble(Scored::score)));
        }
        for (Document document : documents) {
            for (Chunk chunk : corpus.chunker().chunk(document)) {
                float[] vector = model.embed(Embeddings.chunkText(document, chunk, true))
                        .content()
                        .vector();
                for (int q = 0; q < queryVectors.length; q++) {
                    double score = 0;
                    for (int i = 0; i < vector.length; i++) {
                        score += vector[i] * queryVectors[q][i];
                    }
                    PriorityQueue<Scored> top = best.get(q);
                    String id = document.id() + "#" + chunk.ordinal();
                    if (top.size() < 10) {
                        top.add(new Scored(id, score));
                    } else if (score > top.peek().score()) {
                        top.poll();
                        top.add(new Scored(id, score));
                    }
                }
            }
        }
        List<Set<String>> truth = new ArrayList<>();
        for (PriorityQueue<Scored> top : best) {
            Set<String> ids = new HashSet<>();
            top.forEach(s -> ids.add(s.id()));
            truth.add(ids);
        }
        return truth;
    }

    /** The mean share of each query's true top 10 found in the 10 hits of a top-10 vector search. */
    private static double recall(Retriever index, List<String> texts, List<Set<String>> truth) {
        double found = 0;
        for (int q = 0; q < texts.size(); q++) {
            Set<String> expected = truth.get(q);
            found += index
                            .search(SearchRequest.builder(texts.get(q))
                                    .mode(SearchMode.VECTOR)
                                    .k(10)
                                    .build())
                            .stream()
                            .map(hit -> hit.documentId() + "#" + hit.chunkOrdinal())
                            .filter(expected::contains)
                            .count()
                    / (double) expected.size();
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
