package dev.quarry.bench.retrieval;

import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest.Fusion;
import dev.quarry.index.SearchRequest.Fusion.Method;
import dev.quarry.index.eval.Evaluation;
import dev.quarry.index.eval.Evaluation.Variant;
import dev.quarry.index.eval.SignFlipTest;
import dev.quarry.index.eval.TestCollection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * How hybrid fusion does at the depth applications use, and which fusion to choose, measured honestly:
 * every query is searched as an application would ({@code k = 10}, the fusion's own depth) and at a deep
 * cutoff ({@code k = 400}); the fusion is chosen by 5-fold cross-validation over the queries (chosen on four
 * folds, scored on the fifth, never on the whole set); each difference gets a paired sign-flip randomisation
 * test (10,000 draws, seeded). Writes a table and every query's scores.
 *
 * <p>Run it with {@code ./bench fusion [collection options] [--out DIR]} (the collection options of
 * {@code ./bench quality}; Cranfield by default).
 */
public final class FusionStudy {

    static final int APPLICATION_K = 10;
    static final int DEEP_K = 400;
    static final int FOLDS = 5;
    static final long SEED = 21;

    private FusionStudy() {}

    /** The variants: BM25, dense, and the hybrid grid the cross-validation chooses from. */
    static List<Variant> variants() {
        List<Variant> all = new ArrayList<>();
        all.add(new Variant("BM25", SearchMode.BM25, Fusion.DEFAULT));
        all.add(new Variant("dense", SearchMode.VECTOR, Fusion.DEFAULT));
        for (int constant : new int[] {10, 20, 40, 60, 100}) {
            all.add(new Variant("RRF k=" + constant, SearchMode.HYBRID, new Fusion(1, 1, constant, 100)));
        }
        for (Method method : new Method[] {Method.MIN_MAX, Method.Z_SCORE}) {
            for (double share : new double[] {0.3, 0.4, 0.5, 0.6, 0.7}) {
                all.add(new Variant(
                        method.name().toLowerCase(Locale.ROOT) + " bm25=" + share,
                        SearchMode.HYBRID,
                        Fusion.normalised(method, share, 100)));
            }
        }
        return all;
    }

    public static void main(String[] args) throws Exception {
        CollectionOptions collectionOptions = new CollectionOptions();
        Path out = Path.of("docs", "benchmarks");
        for (int i = 0; i < args.length; i++) {
            int taken = collectionOptions.take(args, i);
            if (taken >= 0) {
                i = taken;
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else {
                System.err.print("usage: bench fusion [options]\n" + CollectionOptions.USAGE + "  --out DIR\n");
                System.exit(2);
            }
        }
        TestCollection collection = collectionOptions.read();
        List<String> queries = collection.judgedQueries();
        long start = System.nanoTime();
        Map<String, double[]> application = new LinkedHashMap<>();
        Map<String, double[]> deep = new LinkedHashMap<>();
        List<Variant> variants = variants();
        try (LuceneIndex index = LuceneIndex.builder().defaultEmbeddingModel().open()) {
            index.upsertAll(collection.documents());
            index.commit();
            System.err.printf(Locale.ROOT, "indexed in %.1f s%n", (System.nanoTime() - start) / 1e9);
            for (Variant variant : variants) {
                application.put(
                        variant.name(),
                        Evaluation.run(index, collection, variant, APPLICATION_K)
                                .ndcg());
                deep.put(
                        variant.name(),
                        Evaluation.run(index, collection, variant, DEEP_K).ndcg());
            }
        }
        String report = report(queries, variants, application, deep);
        Files.createDirectories(out);
        Files.writeString(out.resolve("fusion-results.md"), report);
        Files.writeString(out.resolve("fusion-per-query.csv"), perQuery(queries, application, deep));
        System.out.println(report);
        System.err.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    static String report(
            List<String> queries,
            List<Variant> variants,
            Map<String, double[]> application,
            Map<String, double[]> deep) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "%d judged queries, nDCG@10. Application depth: k = %d hits with the fusion's own depth"
                        + " (100 per ranking); deep: k = %d.%n%n",
                queries.size(),
                APPLICATION_K,
                DEEP_K));
        text.append("| variant | application depth | deep |\n|---|---:|---:|\n");
        for (Variant variant : variants) {
            text.append(String.format(
                    Locale.ROOT,
                    "| %s | %.4f | %.4f |%n",
                    variant.name(),
                    mean(application.get(variant.name())),
                    mean(deep.get(variant.name()))));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(SEED));
        double[] chosenHybrid = new double[queries.size()];
        double[] chosenSingle = new double[queries.size()];
        text.append("\n5-fold cross-validation at application depth (chosen on four folds, scored on the fifth):\n\n");
        text.append(
                "| fold | hybrid chosen | its held-out nDCG@10 | single retriever chosen | its held-out nDCG@10 |\n");
        text.append("|---:|---|---:|---|---:|\n");
        for (int fold = 0; fold < FOLDS; fold++) {
            List<Integer> test = new ArrayList<>();
            List<Integer> train = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                (i % FOLDS == fold ? test : train).add(order.get(i));
            }
            String hybrid = best(variants, application, train, true);
            String single = best(variants, application, train, false);
            for (int i : test) {
                chosenHybrid[i] = application.get(hybrid)[i];
                chosenSingle[i] = application.get(single)[i];
            }
            text.append(String.format(
                    Locale.ROOT,
                    "| %d | %s | %.4f | %s | %.4f |%n",
                    fold + 1,
                    hybrid,
                    mean(application.get(hybrid), test),
                    single,
                    mean(application.get(single), test)));
        }
        double[] defaultHybrid = application.get("RRF k=60");
        double[] zScoreHybrid = application.get("z_score bm25=0.5");
        text.append(String.format(
                Locale.ROOT,
                "%nHeld-out means: cross-validated hybrid %.4f, cross-validated single retriever %.4f (difference"
                        + " %+.4f, paired sign-flip p = %.4f).%n",
                mean(chosenHybrid),
                mean(chosenSingle),
                mean(chosenHybrid) - mean(chosenSingle),
                signFlip(chosenHybrid, chosenSingle)));
        for (String single : List.of("BM25", "dense")) {
            text.append(String.format(
                    Locale.ROOT,
                    "RRF k=60 (the default before this study) against %s at application depth: %+.4f, p = %.4f.%n",
                    single,
                    mean(defaultHybrid) - mean(application.get(single)),
                    signFlip(defaultHybrid, application.get(single))));
            text.append(String.format(
                    Locale.ROOT,
                    "z-score 0.5 (the default since; in-sample here) against %s at application depth: %+.4f,"
                            + " p = %.4f.%n",
                    single,
                    mean(zScoreHybrid) - mean(application.get(single)),
                    signFlip(zScoreHybrid, application.get(single))));
        }
        return text.toString();
    }

    /** The variant with the best mean on {@code queries} among hybrids, or among single retrievers. */
    static String best(List<Variant> variants, Map<String, double[]> scores, List<Integer> queries, boolean hybrid) {
        String best = null;
        double bestMean = -1;
        for (Variant variant : variants) {
            if ((variant.mode() == SearchMode.HYBRID) != hybrid) {
                continue;
            }
            double value = mean(scores.get(variant.name()), queries);
            if (value > bestMean) {
                bestMean = value;
                best = variant.name();
            }
        }
        return best;
    }

    static double signFlip(double[] a, double[] b) {
        return SignFlipTest.pValue(a, b, SEED);
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    static double mean(double[] values, List<Integer> indexes) {
        double sum = 0;
        for (int i : indexes) {
            sum += values[i];
        }
        return sum / indexes.size();
    }

    static String perQuery(List<String> queries, Map<String, double[]> application, Map<String, double[]> deep) {
        StringBuilder csv = new StringBuilder("query,variant,ndcg10_application,ndcg10_deep\n");
        for (String variant : application.keySet()) {
            for (int i = 0; i < queries.size(); i++) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%s,%s,%.6f,%.6f%n",
                        queries.get(i),
                        variant,
                        application.get(variant)[i],
                        deep.get(variant)[i]));
            }
        }
        return csv.toString();
    }
}
