package dev.quarry.index.eval;

import dev.quarry.index.Hit;
import dev.quarry.index.Retriever;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a way of searching over every judged query of a {@link TestCollection} and scores each query. Hits
 * are chunks; a ranking of documents keeps each document at the rank of its best chunk.
 *
 * <p>{@link #run} searches with {@code k} chunk hits, as an application would ask: at {@code k = 10} the
 * figures are what users of the default request get; a deep {@code k} (hundreds) gives MAP and recall room.
 */
public final class Evaluation {

    /** The cutoff of nDCG. */
    public static final int NDCG_CUTOFF = 10;

    /** The cutoff of recall. */
    public static final int RECALL_CUTOFF = 100;

    private Evaluation() {}

    /**
     * One way of searching, fixed before it is evaluated (never tuned per query).
     *
     * @param name how reports label it
     * @param mode the search mode
     * @param fusion the fusion of a hybrid search (ignored by the other modes)
     */
    public record Variant(String name, SearchMode mode, SearchRequest.Fusion fusion) {

        /** Checks the parts. */
        public Variant {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(fusion, "fusion");
        }

        /** BM25, dense and hybrid with the library's default fusion. */
        public static List<Variant> defaults() {
            return List.of(
                    new Variant("BM25", SearchMode.BM25, SearchRequest.Fusion.DEFAULT),
                    new Variant("dense", SearchMode.VECTOR, SearchRequest.Fusion.DEFAULT),
                    new Variant("hybrid", SearchMode.HYBRID, SearchRequest.Fusion.DEFAULT));
        }
    }

    /**
     * Per-query scores of one variant searched with {@code k} hits; arrays are parallel to {@code queries}.
     *
     * @param variant what was run
     * @param k chunk hits asked for
     * @param queries the judged query ids, in collection order
     * @param ndcg nDCG@10 per query
     * @param averagePrecision average precision per query, over the documents found in {@code k} hits
     * @param recall recall@100 per query
     */
    public record Run(
            Variant variant, int k, List<String> queries, double[] ndcg, double[] averagePrecision, double[] recall) {

        /** Mean nDCG@10. */
        public double meanNdcg() {
            return mean(ndcg);
        }

        /** Mean average precision. */
        public double meanAveragePrecision() {
            return mean(averagePrecision);
        }

        /** Mean recall@100. */
        public double meanRecall() {
            return mean(recall);
        }

        /** The paired sign-flip p-value of this run's nDCG@10 against another run's on the same queries. */
        public double pValueAgainst(Run other, long seed) {
            if (!queries.equals(other.queries)) {
                throw new IllegalArgumentException("runs of different query sets cannot be paired");
            }
            return SignFlipTest.pValue(ndcg, other.ndcg, seed);
        }
    }

    /** Searches every judged query of {@code collection} with {@code variant} and {@code k} hits. */
    public static Run run(Retriever retriever, TestCollection collection, Variant variant, int k) {
        List<String> queries = collection.judgedQueries();
        double[] ndcg = new double[queries.size()];
        double[] averagePrecision = new double[queries.size()];
        double[] recall = new double[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            String query = queries.get(i);
            List<Hit> hits =
                    retriever.search(SearchRequest.builder(collection.queries().get(query))
                            .mode(variant.mode())
                            .fusion(variant.fusion())
                            .k(k)
                            .build());
            List<String> ranking = documents(hits);
            ndcg[i] = RankingMetrics.ndcg(ranking, collection.gains(query), NDCG_CUTOFF);
            averagePrecision[i] = RankingMetrics.averagePrecision(ranking, collection.gains(query));
            recall[i] = RankingMetrics.recall(ranking, collection.gains(query), RECALL_CUTOFF);
        }
        return new Run(variant, k, queries, ndcg, averagePrecision, recall);
    }

    /** Document ids in the order of their best chunk. */
    public static List<String> documents(List<Hit> hits) {
        Set<String> ids = new LinkedHashSet<>();
        hits.forEach(hit -> ids.add(hit.documentId()));
        return List.copyOf(ids);
    }

    /** Every query's scores of every run, as CSV: query, variant, k, ndcg10, ap, recall100. */
    public static String perQueryCsv(List<Run> runs) {
        StringBuilder csv = new StringBuilder("query,variant,k,ndcg10,average_precision,recall100\n");
        for (Run run : runs) {
            for (int i = 0; i < run.queries().size(); i++) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%s,%s,%d,%.6f,%.6f,%.6f%n",
                        csvField(run.queries().get(i)),
                        csvField(run.variant().name()),
                        run.k(),
                        run.ndcg()[i],
                        run.averagePrecision()[i],
                        run.recall()[i]));
            }
        }
        return csv.toString();
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }
}
