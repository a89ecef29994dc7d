package dev.quarry.bench.retrieval;

import dev.quarry.index.Hit;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import dev.quarry.index.SearchRequest.Fusion;
import dev.quarry.index.SearchRequest.Fusion.Method;
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
 * <p>Run it with {@code ./bench fusion [--data DIR] [--out DIR]}.
 */
public final class FusionStudy {

    static final int APPLICATION_K = 10;
    static final int DEEP_K = 400;
    static final int FOLDS = 5;
    static final int DRAWS = 10_000;
    static final long SEED = 21;

    /** A way of searching. */
    record Contender(String name, SearchMode mode, Fusion fusion) {}

    private FusionStudy() {}

    /** The contenders: BM25, dense, and the hybrid grid the cross-validation chooses from. */
    static List<Contender> contenders() {
        List<Contender> all = new ArrayList<>();
        all.add(new Contender("BM25", SearchMode.BM25, Fusion.DEFAULT));
        all.add(new Contender("dense", SearchMode.VECTOR, Fusion.DEFAULT));
        for (int constant : new int[] {10, 20, 40, 60, 100}) {
            all.add(new Contender("RRF k=" + constant, SearchMode.HYBRID, new Fusion(1, 1, constant, 100)));
        }
        for (Method method : new Method[] {Method.MIN_MAX, Method.Z_SCORE}) {
            for (double share : new double[] {0.3, 0.4, 0.5, 0.6, 0.7}) {
                all.add(new Contender(
                        method.name().toLowerCase(Locale.ROOT) + " bm25=" + share,
                        SearchMode.HYBRID,
                        Fusion.normalised(method, share, 100)));
            }
        }
        return all;
    }

    public static void main(String[] args) throws Exception {
        Path data = Cranfield.DEFAULT_DIRECTORY;
        Path out = Path.of("docs", "benchmarks");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: bench fusion [--data DIR] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Cranfield cranfield = Cranfield.load(data);
        List<Integer> queries = cranfield.queries().keySet().stream()
                .filter(q -> !cranfield.judgments().getOrDefault(q, Map.of()).isEmpty())
                .sorted()
                .toList();
        if (queries.isEmpty()) {
            throw new IllegalArgumentException(data + " has no judged queries");
        }
        long start = System.nanoTime();
        Map<String, double[]> application = new LinkedHashMap<>();
        Map<String, double[]> deep = new LinkedHashMap<>();
        List<Contender> contenders = contenders();
        try (LuceneIndex index = LuceneIndex.builder().defaultEmbeddingModel().open()) {
            QualityBenchmark.index(index, cranfield);
            System.err.printf(Locale.ROOT, "indexed in %.1f s%n", (System.nanoTime() - start) / 1e9);
            for (Contender contender : contenders) {
                application.put(contender.name(), scores(index, cranfield, queries, contender, APPLICATION_K));
                deep.put(contender.name(), scores(index, cranfield, queries, contender, DEEP_K));
            }
        }
        String report = report(queries, contenders, application, deep);
        Files.createDirectories(out);
        Files.writeString(out.resolve("fusion-results.md"), report);
        Files.writeString(out.resolve("fusion-per-query.csv"), perQuery(queries, application, deep));
        System.out.println(report);
        System.err.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** nDCG@10 of each query when searching with {@code k} hits. */
    static double[] scores(LuceneIndex index, Cranfield cranfield, List<Integer> queries, Contender contender, int k) {
        double[] scores = new double[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            int query = queries.get(i);
            List<Hit> hits =
                    index.search(SearchRequest.builder(cranfield.queries().get(query))
                            .mode(contender.mode())
                            .fusion(contender.fusion())
                            .k(k)
                            .build());
            scores[i] = RankingMetrics.ndcg(
                    QualityBenchmark.documents(hits), cranfield.judgments().get(query), 10);
        }
        return scores;
    }

    static String report(
            List<Integer> queries,
            List<Contender> contenders,
            Map<String, double[]> application,
            Map<String, double[]> deep) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "Cranfield, %d judged queries, nDCG@10. Application depth: k = %d hits with the fusion's own depth"
                        + " (100 per ranking); deep: k = %d.%n%n",
                queries.size(),
                APPLICATION_K,
                DEEP_K));
        text.append("| contender | application depth | deep |\n|---|---:|---:|\n");
        for (Contender contender : contenders) {
            text.append(String.format(
                    Locale.ROOT,
                    "| %s | %.4f | %.4f |%n",
                    contender.name(),
                    mean(application.get(contender.name())),
                    mean(deep.get(contender.name()))));
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
            String hybrid = best(contenders, application, train, true);
            String single = best(contenders, application, train, false);
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

    /** The contender with the best mean on {@code queries} among hybrids, or among single retrievers. */
    static String best(
            List<Contender> contenders, Map<String, double[]> scores, List<Integer> queries, boolean hybrid) {
        String best = null;
        double bestMean = -1;
        for (Contender contender : contenders) {
            if ((contender.mode() == SearchMode.HYBRID) != hybrid) {
                continue;
            }
            double value = mean(scores.get(contender.name()), queries);
            if (value > bestMean) {
                bestMean = value;
                best = contender.name();
            }
        }
        return best;
    }

    /** Two-sided paired sign-flip randomisation test of the mean difference. */
    static double signFlip(double[] a, double[] b) {
        double[] differences = new double[a.length];
        double observed = 0;
        for (int i = 0; i < a.length; i++) {
            differences[i] = a[i] - b[i];
            observed += differences[i];
        }
        observed = Math.abs(observed);
        Random random = new Random(SEED);
        int extreme = 0;
        for (int draw = 0; draw < DRAWS; draw++) {
            double sum = 0;
            for (double difference : differences) {
                sum += random.nextBoolean() ? difference : -difference;
            }
            if (Math.abs(sum) >= observed - 1e-12) {
                extreme++;
            }
        }
        return (extreme + 1.0) / (DRAWS + 1.0);
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

    static String perQuery(List<Integer> queries, Map<String, double[]> application, Map<String, double[]> deep) {
        StringBuilder csv = new StringBuilder("query,contender,ndcg10_application,ndcg10_deep\n");
        for (String contender : application.keySet()) {
            for (int i = 0; i < queries.size(); i++) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%d,%s,%.6f,%.6f%n",
                        queries.get(i),
                        contender,
                        application.get(contender)[i],
                        deep.get(contender)[i]));
            }
        }
        return csv.toString();
    }
}
