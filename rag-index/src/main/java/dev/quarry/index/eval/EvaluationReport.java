package dev.quarry.index.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The standard comparison of variants at the depth an application uses and at a deep cutoff: a table of
 * means, and each hybrid variant against each single retriever with a paired sign-flip test on nDCG@10.
 * What {@code quarry eval} prints and the quality benchmark publishes.
 *
 * @param application runs at the application depth, one per variant
 * @param deep runs at the deep cutoff, one per variant in the same order (may be empty)
 */
public record EvaluationReport(List<Evaluation.Run> application, List<Evaluation.Run> deep) {

    /** Seed of every significance test, so a report reproduces. */
    public static final long SEED = 21;

    /** Copies the runs. */
    public EvaluationReport {
        application = List.copyOf(application);
        deep = List.copyOf(deep);
        if (application.isEmpty()) {
            throw new IllegalArgumentException("nothing was run");
        }
    }

    /**
     * Runs every variant over {@code collection} with {@code applicationK} hits and, unless {@code deepK} is
     * 0, with {@code deepK} hits.
     */
    public static EvaluationReport of(
            dev.quarry.index.Retriever retriever,
            TestCollection collection,
            List<Evaluation.Variant> variants,
            int applicationK,
            int deepK) {
        List<Evaluation.Run> application = new ArrayList<>();
        List<Evaluation.Run> deep = new ArrayList<>();
        for (Evaluation.Variant variant : variants) {
            application.add(Evaluation.run(retriever, collection, variant, applicationK));
            if (deepK > 0) {
                deep.add(Evaluation.run(retriever, collection, variant, deepK));
            }
        }
        return new EvaluationReport(application, deep);
    }

    /** Every run, application depth first. */
    public List<Evaluation.Run> runs() {
        List<Evaluation.Run> all = new ArrayList<>(application);
        all.addAll(deep);
        return all;
    }

    /** The report as Markdown. */
    public String markdown() {
        int appK = application.getFirst().k();
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "%d judged queries. Application depth: k = %d hits%s.%n%n",
                application.getFirst().queries().size(),
                appK,
                deep.isEmpty() ? "" : "; deep: k = " + deep.getFirst().k()));
        if (deep.isEmpty()) {
            text.append(String.format(Locale.ROOT, "| variant | nDCG@10 (k = %d) |%n|---|---:|%n", appK));
        } else {
            text.append(String.format(
                    Locale.ROOT,
                    "| variant | nDCG@10 (k = %d) | nDCG@10 (deep) | MAP (deep) | recall@100 (deep) |%n"
                            + "|---|---:|---:|---:|---:|%n",
                    appK));
        }
        for (int i = 0; i < application.size(); i++) {
            Evaluation.Run run = application.get(i);
            text.append(
                    String.format(Locale.ROOT, "| %s | %.4f |", run.variant().name(), run.meanNdcg()));
            if (!deep.isEmpty()) {
                Evaluation.Run deepRun = deep.get(i);
                text.append(String.format(
                        Locale.ROOT,
                        " %.4f | %.4f | %.4f |",
                        deepRun.meanNdcg(),
                        deepRun.meanAveragePrecision(),
                        deepRun.meanRecall()));
            }
            text.append('\n');
        }
        List<String> comparisons = new ArrayList<>();
        comparisons.addAll(comparisons(application, "application depth"));
        comparisons.addAll(comparisons(deep, "deep"));
        if (!comparisons.isEmpty()) {
            text.append("\nnDCG@10 differences, paired sign-flip test (")
                    .append(SignFlipTest.DRAWS)
                    .append(" draws, two-sided):\n\n| comparison | depth | difference | p |\n|---|---|---:|---:|\n");
            comparisons.forEach(text::append);
        }
        return text.toString();
    }

    private static List<String> comparisons(List<Evaluation.Run> runs, String depth) {
        List<String> rows = new ArrayList<>();
        for (Evaluation.Run hybrid : runs) {
            if (hybrid.variant().mode() != dev.quarry.index.SearchMode.HYBRID) {
                continue;
            }
            for (Evaluation.Run single : runs) {
                if (single.variant().mode() == dev.quarry.index.SearchMode.HYBRID) {
                    continue;
                }
                rows.add(String.format(
                        Locale.ROOT,
                        "| %s vs %s | %s | %+.4f | %.4f |%n",
                        hybrid.variant().name(),
                        single.variant().name(),
                        depth,
                        hybrid.meanNdcg() - single.meanNdcg(),
                        hybrid.pValueAgainst(single, SEED)));
            }
        }
        return rows;
    }
}
