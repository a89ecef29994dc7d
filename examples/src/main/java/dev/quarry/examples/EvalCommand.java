package dev.quarry.examples;

import dev.quarry.index.FusionConfig;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import dev.quarry.index.eval.BeirFormat;
import dev.quarry.index.eval.Evaluation;
import dev.quarry.index.eval.Evaluation.Variant;
import dev.quarry.index.eval.EvaluationReport;
import dev.quarry.index.eval.FusionTuning;
import dev.quarry.index.eval.TestCollection;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quarry eval}: retrieval quality of the user's own index on the user's own judgments (BEIR-style
 * files), for BM25, dense, hybrid with the default fusion and, when asked, a fusion of the user's choosing,
 * at the depth an application asks for and at a deep cutoff, with a paired significance test.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "eval",
        description = {
            "Measure retrieval quality on your own index and judgments: nDCG@10, MAP, recall@100 for BM25,"
                    + " dense and hybrid search, with a paired sign-flip test of each hybrid against each single"
                    + " retriever.",
            "Queries: a JSONL file of {\"_id\": ..., \"text\": ...}. Judgments: a TSV file of query id,"
                    + " document id, relevance (> 0 relevant; a header line is allowed). Document ids are the"
                    + " index's (for `quarry index`, paths relative to the indexed folder)."
        })
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--queries", description = "queries, BEIR queries.jsonl format (retrieval evaluation)")
    Path queries;

    @Option(names = "--qrels", description = "judgments, BEIR qrels TSV format (retrieval evaluation)")
    Path qrels;

    @Option(
            names = "--agent",
            description = "evaluate the ask agent on the cases of this JSONL dataset instead (docs/evaluation.md)")
    Path agentCases;

    @Option(
            names = "--repeat",
            defaultValue = "1",
            description = "runs of each case, --agent (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(
            names = "--parallel",
            defaultValue = "4",
            description = "cases running at once, --agent (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--baseline", description = "an earlier summary.json: mark what got worse, --agent")
    Path baseline;

    @Option(
            names = "--threshold",
            description = "metric>=value or metric<=value on a metric's mean; exit code 1 when missed, --agent")
    List<String> thresholds = new ArrayList<>();

    @Option(names = "--fail-on-regression", description = "exit code 1 when --baseline finds something worse")
    boolean failOnRegression;

    @Option(
            names = "--judge",
            description = "also grade answers against each case's rubric with the --model (Bedrock only), --agent")
    boolean judge;

    @Option(
            names = "--report",
            defaultValue = "eval-report",
            description =
                    "folder for report.md, report.html, summary.json and traces, --agent (default: ${DEFAULT-VALUE})")
    Path reportFolder;

    @Option(
            names = {"-k", "--top"},
            defaultValue = "10",
            description = "hits asked for, as your application asks (default: ${DEFAULT-VALUE})")
    int k;

    @Option(
            names = "--deep",
            defaultValue = "100",
            description =
                    "hits asked for at the deep cutoff, for MAP and recall; 0 skips it (default: ${DEFAULT-VALUE})")
    int deep;

    @Option(
            names = "--fusion",
            description =
                    "also evaluate hybrid with this fusion: rrf, min_max or z_score (default: only the library's)")
    SearchRequest.Fusion.Method fusion;

    @Option(
            names = "--bm25-weight",
            defaultValue = "0.5",
            description = "BM25's share of the --fusion hybrid, 0..1 (default: ${DEFAULT-VALUE})")
    double bm25Weight;

    @Option(
            names = "--fusion-depth",
            defaultValue = "100",
            description = "chunks each ranking contributes to the --fusion hybrid (default: ${DEFAULT-VALUE})")
    int fusionDepth;

    @Option(names = "--per-query", description = "write every query's scores to this CSV file")
    Path perQuery;

    @Option(
            names = "--tune",
            description = "choose the hybrid fusion for this index on the judgments, by nested cross-validation,"
                    + " and write it to --write-fusion-config")
    boolean tune;

    @Option(
            names = "--folds",
            defaultValue = "5",
            description = "cross-validation folds of --tune (default: ${DEFAULT-VALUE})")
    int folds;

    @Option(
            names = "--write-fusion-config",
            defaultValue = "fusion-config.json",
            description = "where --tune writes the chosen fusion; `quarry index|ask|search --fusion-config` read it"
                    + " (default: ${DEFAULT-VALUE})")
    Path writeFusionConfig;

    @Mixin
    AgentOptions agentOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (agentCases != null) {
            return new AgentEvaluation(this).run(spec.commandLine().getOut());
        }
        if (queries == null || qrels == null) {
            throw new IllegalArgumentException(
                    "give --queries and --qrels (retrieval evaluation) or --agent cases.jsonl (agent evaluation)");
        }
        if (k < 1 || k > 1000 || deep < 0 || deep > 1000) {
            throw new IllegalArgumentException("-k must be in 1..1000 and --deep in 0..1000");
        }
        if (!(bm25Weight >= 0 && bm25Weight <= 1)) {
            throw new IllegalArgumentException("--bm25-weight must be in 0..1, was " + bm25Weight);
        }
        TestCollection collection = BeirFormat.read(queries, qrels);
        PrintWriter out = spec.commandLine().getOut();
        if (tune) {
            try (LuceneIndex index = agentOptions.index.openForReading()) {
                FusionTuning.Result result = FusionTuning.tune(index, collection, k, folds, 35);
                out.print(result.markdown());
                new FusionConfig(
                                result.chosen(),
                                index.fingerprint(),
                                String.format(
                                        Locale.ROOT,
                                        "%s, held-out nDCG@10 %.4f against %.4f for the default (%d-fold nested CV on %d queries,"
                                                + " k = %d)",
                                        result.chosenName(),
                                        result.heldOut(),
                                        result.defaultFusion(),
                                        folds,
                                        result.queries(),
                                        k))
                        .write(writeFusionConfig);
                out.println("fusion config written to " + writeFusionConfig + " (use it with --fusion-config)");
                return 0;
            }
        }
        try (LuceneIndex index = agentOptions.index.openForReading()) {
            EvaluationReport report = EvaluationReport.of(
                    agentOptions.index.retriever(index), collection, variants(index.supportsVectors()), k, deep);
            long unknown = collection.judgments().values().stream()
                    .flatMap(gains -> gains.keySet().stream())
                    .distinct()
                    .filter(id -> index.document(id).isEmpty())
                    .count();
            out.print(report.markdown());
            if (unknown > 0) {
                out.printf(
                        Locale.ROOT,
                        "%nwarning: %d judged document ids are not in the index (they can never be found; check the"
                                + " ids in %s)%n",
                        unknown,
                        qrels);
            }
            if (perQuery != null) {
                write(perQuery, Evaluation.perQueryCsv(report.runs()));
                out.println("per-query scores written to " + perQuery);
            }
            return 0;
        }
    }

    private List<Variant> variants(boolean vectors) {
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("BM25", SearchMode.BM25, SearchRequest.Fusion.DEFAULT));
        if (!vectors) {
            if (fusion != null) {
                throw new IllegalArgumentException(
                        "--fusion needs an index with embeddings; this one is BM25-only (built with --bm25-only)");
            }
            return variants;
        }
        variants.add(new Variant("dense", SearchMode.VECTOR, SearchRequest.Fusion.DEFAULT));
        variants.add(new Variant("hybrid (default fusion)", SearchMode.HYBRID, SearchRequest.Fusion.DEFAULT));
        if (fusion != null) {
            SearchRequest.Fusion chosen = fusion == SearchRequest.Fusion.Method.RRF
                    ? new SearchRequest.Fusion(bm25Weight, 1 - bm25Weight, 60, fusionDepth)
                    : SearchRequest.Fusion.normalised(fusion, bm25Weight, fusionDepth);
            variants.add(new Variant(
                    String.format(
                            Locale.ROOT,
                            "hybrid (%s, bm25 %.2f, depth %d)",
                            fusion.name().toLowerCase(Locale.ROOT),
                            bm25Weight,
                            fusionDepth),
                    SearchMode.HYBRID,
                    chosen));
        }
        return variants;
    }

    private static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
