package dev.quarry.bench.retrieval;

import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import dev.quarry.index.eval.Evaluation;
import dev.quarry.index.eval.Evaluation.Variant;
import dev.quarry.index.eval.EvaluationReport;
import dev.quarry.index.eval.TestCollection;
import dev.quarry.index.opensearch.OpenSearchIndex;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * Retrieval quality of what users get: indexes a test collection (Cranfield by default; any SMART or BEIR
 * collection by options) with the default chunker and the in-process BGE model, then runs every judged query
 * in BM25, dense and hybrid mode at the application depth ({@code k = 10}, the fusion's own depth) and at a
 * deep cutoff ({@code k = 400} chunks), with a paired sign-flip test for each hybrid against each single
 * retriever. Writes the table and every query's scores.
 *
 * <p>Run it with {@code ./bench quality [collection options] [--out DIR] [--no-titles] [--backend
 * lucene|opensearch] [--url URL]}.
 */
public final class QualityBenchmark {

    static final int APPLICATION_K = 10;
    static final int DEEP_K = 400;

    private QualityBenchmark() {}

    /** BM25, dense, hybrid with the library's default fusion, and reciprocal-rank fusion as it was before. */
    public static final List<Variant> VARIANTS = List.of(
            new Variant("BM25", SearchMode.BM25, SearchRequest.Fusion.DEFAULT),
            new Variant("dense (BGE small)", SearchMode.VECTOR, SearchRequest.Fusion.DEFAULT),
            new Variant("hybrid (default: z-score, 1:1)", SearchMode.HYBRID, SearchRequest.Fusion.DEFAULT),
            new Variant("hybrid (RRF k=60, 1:1)", SearchMode.HYBRID, SearchRequest.Fusion.RRF));

    static final String USAGE = "usage: bench quality [options]\n" + CollectionOptions.USAGE + """
              --out DIR             where the results go (default docs/benchmarks)
              --no-titles           index without titles (LuceneIndex.Builder#titles(false))
              --backend lucene|opensearch  index into and search an OpenSearch cluster at --url
                                    (default http://127.0.0.1:9201; ./bench opensearch-cluster starts one)
              --url URL --index NAME
              --vectors auto|approximate|exact  OpenSearch vector search (default auto: k-NN when the
                                    cluster has the plugin); the index is deleted and rebuilt each run
            """;

    public static void main(String[] args) throws Exception {
        CollectionOptions collectionOptions = new CollectionOptions();
        Path out = Path.of("docs", "benchmarks");
        String backend = "lucene";
        URI url = URI.create("http://127.0.0.1:9201");
        String indexName = "quarry-cranfield";
        boolean titles = true;
        OpenSearchIndex.VectorSearch vectors = OpenSearchIndex.VectorSearch.AUTO;
        for (int i = 0; i < args.length; i++) {
            int taken = collectionOptions.take(args, i);
            if (taken >= 0) {
                i = taken;
                continue;
            }
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--backend" -> backend = value(args, ++i);
                case "--url" -> url = URI.create(value(args, ++i));
                case "--index" -> indexName = value(args, ++i);
                case "--no-titles" -> titles = false;
                case "--vectors" ->
                    vectors = OpenSearchIndex.VectorSearch.valueOf(
                            value(args, ++i).toUpperCase(Locale.ROOT));
                default -> {
                    System.err.print(USAGE);
                    System.exit(2);
                }
            }
        }
        if (!backend.equals("lucene") && !backend.equals("opensearch")) {
            System.err.print("unknown backend " + backend + "\n" + USAGE);
            System.exit(2);
        }
        TestCollection collection = collectionOptions.read();
        long start = System.nanoTime();
        OpenSearchTransport transport = null;
        SearchIndex index;
        if (backend.equals("lucene")) {
            index = LuceneIndex.builder().defaultEmbeddingModel().titles(titles).open();
        } else {
            transport = ApacheHttpClient5TransportBuilder.builder(
                            new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                    .setMapper(new JacksonJsonpMapper())
                    .build();
            OpenSearchClient client = new OpenSearchClient(transport);
            client.generic()
                    .execute(org.opensearch.client.opensearch.generic.Requests.builder()
                            .method("DELETE")
                            .endpoint("/" + indexName)
                            .build())
                    .close();
            index = OpenSearchIndex.builder(client, indexName)
                    .defaultEmbeddingModel()
                    .titles(titles)
                    .vectorSearch(vectors)
                    .open();
            backend = "opensearch-"
                    + ((OpenSearchIndex) index).vectorSearch().name().toLowerCase(Locale.ROOT);
        }
        EvaluationReport report;
        try (index) {
            index.upsertAll(collection.documents());
            index.commit();
            System.err.printf(
                    Locale.ROOT,
                    "%s: indexed %d documents in %.1f s%n",
                    backend,
                    collection.documents().size(),
                    (System.nanoTime() - start) / 1e9);
            report = evaluate(index, collection, VARIANTS);
        } finally {
            if (transport != null) {
                transport.close();
            }
        }
        String table = String.format(
                        Locale.ROOT,
                        "Collection: %s, %d documents; backend: %s; titles %s.%n%n",
                        collectionOptions.describe(),
                        collection.documents().size(),
                        backend,
                        titles ? "searched and embedded" : "left out")
                + report.markdown();
        String name =
                "quality-results" + (backend.equals("lucene") ? "" : "-" + backend) + (titles ? "" : "-no-titles");
        Files.createDirectories(out);
        Files.writeString(out.resolve(name + ".md"), table);
        Files.writeString(out.resolve(name + "-per-query.csv"), Evaluation.perQueryCsv(report.runs()));
        System.out.println(table);
        System.err.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** Every variant at the application depth and at the deep cutoff. */
    static EvaluationReport evaluate(SearchIndex index, TestCollection collection, List<Variant> variants) {
        return EvaluationReport.of(index, collection, variants, APPLICATION_K, DEEP_K);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
