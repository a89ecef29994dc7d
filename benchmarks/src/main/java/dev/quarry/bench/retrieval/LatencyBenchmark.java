package dev.quarry.bench.retrieval;

import dev.quarry.bench.Percentiles;
import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.Retriever;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Index load test: builds an on-disk index of synthetic single-chunk documents (reproducible from a seed)
 * twice, BM25-only and with the in-process BGE embeddings, reports indexing throughput of each, then query
 * latency (p50, p99) of BM25, dense and hybrid top-10 on the embedded index, one query at a time.
 *
 * <p>Run it with {@code ./bench latency [--chunks N] [--queries N] [--out DIR]}; default 100,000 chunks.
 */
public final class LatencyBenchmark {

    private LatencyBenchmark() {}

    /** One measured figure. */
    public record Row(String what, String value) {}

    public static void main(String[] args) throws IOException {
        int chunks = 100_000;
        int queries = 1_000;
        int embeddedSample = 2_000;
        Path out = Path.of("docs", "benchmarks");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--chunks" -> chunks = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--embedded-sample" -> embeddedSample = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println(
                            "usage: bench latency [--chunks N] [--embedded-sample N] [--queries N] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        List<Row> rows = run(chunks, embeddedSample, queries, 42, Files.createTempDirectory("quarry-latency"));
        StringBuilder table = new StringBuilder("| measure | value |\n|---|---:|\n");
        rows.forEach(r -> table.append("| ")
                .append(r.what())
                .append(" | ")
                .append(r.value())
                .append(" |\n"));
        table.append(String.format(
                Locale.ROOT,
                "%n%d chunks of about 500 characters, seed 42; BGE indexing measured on %d of them; %d queries"
                        + " per mode after %d warm-up queries, one at a time, %d cores.%n",
                chunks,
                embeddedSample,
                queries,
                queries / 2,
                Runtime.getRuntime().availableProcessors()));
        Files.createDirectories(out);
        Files.writeString(out.resolve("latency-results.md"), table);
        System.out.println(table);
    }

    /**
     * Measures under {@code directory} (deleted afterwards): BM25-only indexing of {@code chunks} chunks; indexing
     * with BGE embeddings on a sample of {@code embeddedSample} chunks (its cost per chunk does not depend on the
     * index size); then query latency on a {@code chunks}-chunk index whose chunk vectors come from
     * {@link SeededVectors}, reopened with the real BGE model so every query is embedded for real.
     */
    static List<Row> run(int chunks, int embeddedSample, int queries, long seed, Path directory) throws IOException {
        SyntheticCorpus corpus = new SyntheticCorpus(20_000, seed);
        List<Row> rows = new ArrayList<>();
        try {
            try (LuceneIndex bm25 =
                    LuceneIndex.builder().path(directory.resolve("bm25")).open()) {
                rows.add(new Row("indexing, BM25 only", rate(chunks, ingest(bm25, corpus, chunks))));
            }
            try (LuceneIndex embedded = LuceneIndex.builder()
                    .path(directory.resolve("bge-sample"))
                    .defaultEmbeddingModel()
                    .open()) {
                rows.add(new Row(
                        "indexing, with BGE small embeddings",
                        rate(embeddedSample, ingest(embedded, corpus, embeddedSample))));
            }
            Path hybridPath = directory.resolve("hybrid");
            try (LuceneIndex seeded = LuceneIndex.builder()
                    .path(hybridPath)
                    .embeddingModel(new SeededVectors(384, seed))
                    .open()) {
                rows.add(new Row(
                        "indexing, with seeded vectors (HNSW build, no model)",
                        rate(chunks, ingest(seeded, corpus, chunks))));
            }
            try (LuceneIndex hybrid = LuceneIndex.builder()
                    .path(hybridPath)
                    .defaultEmbeddingModel()
                    .open()) {
                List<String> texts = corpus.queries(queries + queries / 2);
                for (SearchMode mode : SearchMode.values()) {
                    double[] millis = latencies(hybrid, mode, texts, queries / 2);
                    rows.add(new Row(
                            mode + " top-10 p50",
                            String.format(Locale.ROOT, "%.2f ms", Percentiles.nearestRank(millis, 0.5))));
                    rows.add(new Row(
                            mode + " top-10 p99",
                            String.format(Locale.ROOT, "%.2f ms", Percentiles.nearestRank(millis, 0.99))));
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
        return rows;
    }

    private static double ingest(LuceneIndex index, SyntheticCorpus corpus, int chunks) {
        long start = System.nanoTime();
        List<Document> batch = new ArrayList<>();
        for (int n = 0; n < chunks; n++) {
            batch.add(corpus.document(n, 500));
            if (batch.size() == 1_000) {
                index.upsertAll(batch);
                batch.clear();
            }
        }
        index.upsertAll(batch);
        index.commit();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (index.stats().chunks() != chunks) {
            throw new IllegalStateException("expected " + chunks + " chunks but the index holds "
                    + index.stats().chunks());
        }
        return seconds;
    }

    /** Milliseconds per top-10 query, one at a time, after {@code warmUp} unmeasured queries. */
    static double[] latencies(Retriever index, SearchMode mode, List<String> texts, int warmUp) {
        double[] millis = new double[texts.size() - warmUp];
        for (int i = 0; i < texts.size(); i++) {
            SearchRequest request =
                    SearchRequest.builder(texts.get(i)).mode(mode).k(10).build();
            long start = System.nanoTime();
            int hits = index.search(request).size();
            long elapsed = System.nanoTime() - start;
            if (hits == 0 && mode != SearchMode.BM25) {
                throw new IllegalStateException(mode + " search found nothing for " + texts.get(i));
            }
            if (i >= warmUp) {
                millis[i - warmUp] = elapsed / 1e6;
            }
        }
        return millis;
    }

    private static String rate(int chunks, double seconds) {
        return String.format(Locale.ROOT, "%.0f chunks/s (%d in %.1f s)", chunks / seconds, chunks, seconds);
    }
}
