package dev.quarry.index.eval;

import dev.quarry.index.SearchIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest.Fusion;
import dev.quarry.index.SearchRequest.Fusion.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Chooses hybrid fusion for one index on the user's own judgments: every fusion of a grid (reciprocal-rank
 * fusion with five constants; min-max and z-score with the BM25 share from 0.1 to 0.9) is scored, nDCG@10
 * at the depth the application asks for, and the fusion with the best mean is chosen. What that choice is
 * worth is estimated honestly by nested cross-validation: the queries are split into folds, and each fold is
 * scored with the fusion chosen on the other folds only, so the tuning never sees the queries it is scored
 * on. Those held-out scores are compared, query by query with a paired sign-flip test, with the library's
 * default fusion and with BM25 and dense retrieval alone.
 */
public final class FusionTuning {

    /**
     * Fewest judged queries tuning accepts. With fewer, a fold holds three queries or less and the choice
     * follows a handful of queries' noise; the held-out estimate is then not worth reporting.
     */
    public static final int MIN_QUERIES = 20;

    private FusionTuning() {}

    /** The fusions tuning chooses among, each contributing the top 100 of each ranking. */
    public static List<Evaluation.Variant> grid() {
        List<Evaluation.Variant> grid = new ArrayList<>();
        for (int constant : new int[] {10, 20, 40, 60, 100}) {
            grid.add(new Evaluation.Variant("rrf k=" + constant, SearchMode.HYBRID, new Fusion(1, 1, constant, 100)));
        }
        for (Method method : new Method[] {Method.MIN_MAX, Method.Z_SCORE}) {
            for (int share = 1; share <= 9; share++) {
                grid.add(new Evaluation.Variant(
                        method.name().toLowerCase(Locale.ROOT) + " bm25=0." + share,
                        SearchMode.HYBRID,
                        Fusion.normalised(method, share / 10.0, 100)));
            }
        }
        return grid;
    }

    /**
     * What tuning found.
     *
     * @param queries judged queries used
     * @param k hits asked for per search
     * @param folds cross-validation folds
     * @param unknownJudged judged document ids that are not in the index (they can never be found)
     * @param chosen the fusion chosen on every query: what to deploy
     * @param chosenName its name in the grid
     * @param foldChoices the fusion each outer fold's tuning chose
     * @param heldOut mean held-out nDCG@10 of the tuned choice
     * @param defaultFusion mean nDCG@10 of {@link Fusion#DEFAULT}
     * @param bm25 mean nDCG@10 of BM25 alone
     * @param dense mean nDCG@10 of dense retrieval alone
     * @param pDefault paired sign-flip p of held-out against the default
     * @param pBm25 the same against BM25
     * @param pDense the same against dense
     * @param took how long tuning took
     */
    public record Result(
            int queries,
            int k,
            int folds,
            long unknownJudged,
            Fusion chosen,
            String chosenName,
            List<String> foldChoices,
            double heldOut,
            double defaultFusion,
            double bm25,
            double dense,
            double pDefault,
            double pBm25,
            double pDense,
            Duration took) {

        /** A Markdown report of the result. */
        public String markdown() {
            StringBuilder text = new StringBuilder(String.format(
                    Locale.ROOT,
                    "Fusion tuned on %d judged queries, nDCG@10 with k = %d hits, %d-fold nested cross-validation"
                            + " (%.1f s).%n%n",
                    queries,
                    k,
                    folds,
                    took.toMillis() / 1000.0));
            text.append("| retrieval | nDCG@10 | against the tuned fusion (held out) |\n|---|---:|---|\n");
            text.append(String.format(Locale.ROOT, "| tuned fusion, held out | %.4f | |%n", heldOut));
            text.append(String.format(
                    Locale.ROOT,
                    "| default fusion (z-score, 0.5) | %.4f | %+.4f, p = %.4f |%n",
                    defaultFusion,
                    heldOut - defaultFusion,
                    pDefault));
            text.append(String.format(Locale.ROOT, "| BM25 | %.4f | %+.4f, p = %.4f |%n", bm25, heldOut - bm25, pBm25));
            text.append(
                    String.format(Locale.ROOT, "| dense | %.4f | %+.4f, p = %.4f |%n", dense, heldOut - dense, pDense));
            text.append("\nChosen per fold: ")
                    .append(String.join(", ", foldChoices))
                    .append('\n');
            text.append("Chosen on every query (to deploy): ")
                    .append(chosenName)
                    .append('\n');
            if (unknownJudged > 0) {
                text.append(String.format(
                        Locale.ROOT,
                        "warning: %d judged document ids are not in the index; they count as misses%n",
                        unknownJudged));
            }
            return text.toString();
        }
    }

    /**
     * Tunes fusion for {@code index} on {@code collection}.
     *
     * @param k hits the application asks for (10 for most)
     * @param folds cross-validation folds (5 is usual; at least 2)
     * @param seed how the queries are shuffled into folds
     * @throws IllegalArgumentException with fewer than {@link #MIN_QUERIES} judged queries, fewer than 2 folds
     *     or an index without vectors
     */
    public static Result tune(SearchIndex index, TestCollection collection, int k, int folds, long seed) {
        List<String> queries = collection.judgedQueries();
        if (queries.size() < MIN_QUERIES) {
            throw new IllegalArgumentException("tuning needs at least " + MIN_QUERIES + " judged queries and got "
                    + queries.size() + ": with fewer, each fold holds a few queries and the choice follows their"
                    + " noise; judge more queries, or keep the default fusion");
        }
        if (folds < 2 || folds > queries.size()) {
            throw new IllegalArgumentException("folds must be in 2.." + queries.size() + ", was " + folds);
        }
        if (!index.supportsVectors()) {
            throw new IllegalArgumentException(
                    "tuning fusion needs an index with embeddings; this one is BM25-only (built with --bm25-only)");
        }
        long start = System.nanoTime();
        long unknown = collection.judgments().values().stream()
                .flatMap(gains -> gains.keySet().stream())
                .distinct()
                .filter(id -> index.document(id).isEmpty())
                .count();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (Evaluation.Variant variant : grid()) {
            scores.put(
                    variant.name(),
                    Evaluation.run(index, collection, variant, k).ndcg());
        }
        double[] defaultScores = Evaluation.run(
                        index, collection, new Evaluation.Variant("default", SearchMode.HYBRID, Fusion.DEFAULT), k)
                .ndcg();
        double[] bm25 = Evaluation.run(
                        index, collection, new Evaluation.Variant("BM25", SearchMode.BM25, Fusion.DEFAULT), k)
                .ndcg();
        double[] dense = Evaluation.run(
                        index, collection, new Evaluation.Variant("dense", SearchMode.VECTOR, Fusion.DEFAULT), k)
                .ndcg();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        double[] heldOut = new double[queries.size()];
        List<String> foldChoices = new ArrayList<>();
        for (int fold = 0; fold < folds; fold++) {
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                (i % folds == fold ? test : train).add(order.get(i));
            }
            String choice = best(scores, train);
            foldChoices.add(choice);
            for (int i : test) {
                heldOut[i] = scores.get(choice)[i];
            }
        }
        List<Integer> all = new ArrayList<>(order);
        String chosen = best(scores, all);
        Fusion chosenFusion = grid().stream()
                .filter(v -> v.name().equals(chosen))
                .findFirst()
                .orElseThrow()
                .fusion();
        return new Result(
                queries.size(),
                k,
                folds,
                unknown,
                chosenFusion,
                chosen,
                foldChoices,
                mean(heldOut),
                mean(defaultScores),
                mean(bm25),
                mean(dense),
                SignFlipTest.pValue(heldOut, defaultScores, seed),
                SignFlipTest.pValue(heldOut, bm25, seed),
                SignFlipTest.pValue(heldOut, dense, seed),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static String best(Map<String, double[]> scores, List<Integer> queries) {
        String best = null;
        double bestMean = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, double[]> entry : scores.entrySet()) {
            double sum = 0;
            for (int i : queries) {
                sum += entry.getValue()[i];
            }
            double value = sum / queries.size();
            if (value > bestMean) {
                bestMean = value;
                best = entry.getKey();
            }
        }
        return best;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
