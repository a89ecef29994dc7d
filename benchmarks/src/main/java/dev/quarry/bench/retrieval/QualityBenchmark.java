package dev.quarry.bench.retrieval;

import dev.quarry.index.Document;
import dev.quarry.index.Hit;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.Retriever;
import dev.quarry.index.SearchIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import dev.quarry.index.opensearch.OpenSearchIndex;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * Retrieval quality on Cranfield: indexes the 1400 abstracts with the default chunker and the in-process
 * BGE model, runs all 225 queries in BM25, dense and hybrid mode, and reports nDCG@10, MAP and recall@100
 * per mode, all from one index in one run. Chunk hits are folded into documents by their best chunk.
 *
 * <p>Run it with {@code ./bench quality [--data DIR] [--out DIR] [--backend lucene|opensearch] [--url URL]}.
 */
public final class QualityBenchmark {

    /** Documents ranked per query; MAP is computed over this depth. */
    static final int DOCUMENT_DEPTH = 200;

    private QualityBenchmark() {}

    /** Mean metrics of one mode. */
    public record ModeQuality(String mode, double ndcg10, double map, double recall100) {}

    /** One way of searching, evaluated as a whole (fusion settings are fixed up front, never per query). */
    public record Variant(String name, SearchMode mode, SearchRequest.Fusion fusion) {}

    /** BM25, dense, hybrid with the library's default fusion, and reciprocal-rank fusion. */
    public static final List<Variant> VARIANTS = List.of(
            new Variant("BM25", SearchMode.BM25, SearchRequest.Fusion.DEFAULT),
            new Variant("dense (BGE small)", SearchMode.VECTOR, SearchRequest.Fusion.DEFAULT),
            new Variant("hybrid (default: z-score, 1:1)", SearchMode.HYBRID, SearchRequest.Fusion.DEFAULT),
            new Variant("hybrid (RRF k=60, 1:1)", SearchMode.HYBRID, SearchRequest.Fusion.RRF));

    static final String USAGE = """
            usage: bench quality [--data DIR] [--out DIR] [--backend lucene|opensearch] [--url URL] [--index NAME]
              --backend opensearch  index into and search an OpenSearch cluster at --url
                                    (default http://127.0.0.1:9201; ./bench opensearch-cluster starts one)
            """;

    public static void main(String[] args) throws Exception {
        Path data = Cranfield.DEFAULT_DIRECTORY;
        Path out = Path.of("docs", "benchmarks");
        String backend = "lucene";
        URI url = URI.create("http://127.0.0.1:9201");
        String indexName = "quarry-cranfield";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--backend" -> backend = value(args, ++i);
                case "--url" -> url = URI.create(value(args, ++i));
                case "--index" -> indexName = value(args, ++i);
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
        Cranfield cranfield = Cranfield.load(data);
        long start = System.nanoTime();
        List<ModeQuality> results;
        List<String> empty;
        OpenSearchTransport transport = null;
        SearchIndex index;
        if (backend.equals("lucene")) {
            index = LuceneIndex.builder().defaultEmbeddingModel().open();
        } else {
            transport = ApacheHttpClient5TransportBuilder.builder(
                            new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                    .setMapper(new JacksonJsonpMapper())
                    .build();
            index = OpenSearchIndex.builder(new OpenSearchClient(transport), indexName)
                    .defaultEmbeddingModel()
                    .open();
        }
        try (index) {
            empty = index(index, cranfield);
            System.err.printf(
                    Locale.ROOT,
                    "%s: indexed %d abstracts in %.1f s; left out as empty: %s%n",
                    backend,
                    cranfield.documents().size() - empty.size(),
                    (System.nanoTime() - start) / 1e9,
                    empty);
            results = evaluate(index, cranfield, VARIANTS);
        } finally {
            if (transport != null) {
                transport.close();
            }
        }
        String table = "Backend: " + backend + ".\n\n" + table(results, cranfield, empty);
        Files.createDirectories(out);
        Files.writeString(
                out.resolve(backend.equals("lucene") ? "quality-results.md" : "quality-results-opensearch.md"), table);
        System.out.println(table);
        System.err.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * Adds every abstract as a document titled by its title; returns the ids of the abstracts left out
     * because they have neither text nor title (the collection has a few).
     */
    static List<String> index(SearchIndex index, Cranfield cranfield) {
        List<Document> documents = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (Cranfield.CranfieldDocument doc : cranfield.documents()) {
            String text = doc.text().isBlank() ? doc.title() : doc.text();
            if (text.isBlank()) {
                empty.add(doc.id());
            } else {
                documents.add(new Document(doc.id(), text, doc.title(), "cranfield:" + doc.id(), Map.of()));
            }
        }
        index.upsertAll(documents);
        index.commit();
        return empty;
    }

    /** Mean metrics per variant over every judged query. */
    static List<ModeQuality> evaluate(Retriever index, Cranfield cranfield, List<Variant> variants) {
        List<ModeQuality> results = new ArrayList<>();
        for (Variant variant : variants) {
            double ndcg = 0;
            double map = 0;
            double recall = 0;
            int judged = 0;
            for (Map.Entry<Integer, String> query : cranfield.queries().entrySet()) {
                Map<String, Integer> grades = cranfield.judgments().getOrDefault(query.getKey(), Map.of());
                if (grades.isEmpty()) {
                    continue;
                }
                List<String> ranking = documents(index.search(SearchRequest.builder(query.getValue())
                        .mode(variant.mode())
                        .fusion(variant.fusion())
                        .k(DOCUMENT_DEPTH * 2)
                        .build()));
                ndcg += RankingMetrics.ndcg(ranking, grades, 10);
                map += RankingMetrics.averagePrecision(ranking, grades);
                recall += RankingMetrics.recall(ranking, grades, 100);
                judged++;
            }
            if (judged == 0) {
                throw new IllegalArgumentException(
                        "the collection has no judged queries: nothing to evaluate (check the judgments file)");
            }
            results.add(new ModeQuality(variant.name(), ndcg / judged, map / judged, recall / judged));
        }
        return results;
    }

    /** Document ids in order of their best chunk, at most {@link #DOCUMENT_DEPTH}. */
    static List<String> documents(List<Hit> hits) {
        Set<String> ids = new LinkedHashSet<>();
        for (Hit hit : hits) {
            ids.add(hit.documentId());
            if (ids.size() == DOCUMENT_DEPTH) {
                break;
            }
        }
        return List.copyOf(ids);
    }

    static String table(List<ModeQuality> results, Cranfield cranfield, List<String> leftOut) {
        long judged = cranfield.queries().keySet().stream()
                .filter(q -> !cranfield.judgments().getOrDefault(q, Map.of()).isEmpty())
                .count();
        StringBuilder text = new StringBuilder("| mode | nDCG@10 | MAP | recall@100 |\n|---|---:|---:|---:|\n");
        for (ModeQuality result : results) {
            text.append(String.format(
                    Locale.ROOT,
                    "| %s | %.4f | %.4f | %.4f |%n",
                    result.mode(),
                    result.ndcg10(),
                    result.map(),
                    result.recall100()));
        }
        text.append(String.format(
                Locale.ROOT,
                "%n%d abstracts indexed (%d left out for having no text: %s), %d judged queries; MAP over the first %d"
                        + " documents.%n",
                cranfield.documents().size() - leftOut.size(),
                leftOut.size(),
                leftOut,
                judged,
                DOCUMENT_DEPTH));
        return text.toString();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
