package dev.quarry.bench.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.eval.EvaluationReport;
import dev.quarry.index.eval.TestCollection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke tests of the retrieval harnesses on tiny inputs, and the metrics on hand-computed cases. */
class RetrievalHarnessTest {

    @Test
    void aSmartCollectionIsReadByOptionsAndEveryVariantIsEvaluatedAtBothDepths(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("cran.all.1400"), """
                .I 1
                .T
                lift of a wing in a slipstream .
                .A
                someone
                .W
                lift of a wing in a propeller slipstream was measured at several angles of attack .
                .I 2
                .T
                heat transfer in hypersonic flow .
                .W
                heat transfer to a blunt body in hypersonic flow is computed .
                .I 3
                .T
                buckling of cylinders .
                .W
                buckling loads of thin cylindrical shells under axial compression .
                """);
        Files.writeString(data.resolve("cran.qry"), """
                .I 001
                .W
                wing lift in a propeller slipstream .
                .I 004
                .W
                buckling of thin shells .
                """);
        Files.writeString(data.resolve("cranqrel"), "1 1 1\n1 2 -1\n2 3 2\n");
        CollectionOptions options = new CollectionOptions();
        assertThat(options.take(new String[] {"--data", data.toString()}, 0)).isEqualTo(1);
        assertThat(options.take(new String[] {"--out", "x"}, 0)).isEqualTo(-1);
        TestCollection collection = options.read();
        assertThat(collection.documents()).extracting(Document::id).containsExactly("1", "2", "3");
        assertThat(collection.judgments()).isEqualTo(Map.of("1", Map.of("1", 4), "2", Map.of("3", 3)));

        try (LuceneIndex index = LuceneIndex.builder().defaultEmbeddingModel().open()) {
            index.upsertAll(collection.documents());
            EvaluationReport report = QualityBenchmark.evaluate(index, collection, QualityBenchmark.VARIANTS);
            assertThat(report.application())
                    .hasSize(4)
                    .allSatisfy(run -> assertThat(run.k()).isEqualTo(QualityBenchmark.APPLICATION_K));
            assertThat(report.deep())
                    .hasSize(4)
                    .allSatisfy(run -> assertThat(run.k()).isEqualTo(QualityBenchmark.DEEP_K));
            // two unambiguous queries: every mode ranks the one relevant abstract first
            assertThat(report.runs())
                    .allSatisfy(run -> assertThat(run.meanNdcg()).isEqualTo(1.0));
            assertThat(report.markdown())
                    .contains("| BM25 | 1.0000 | 1.0000 | 1.0000 | 1.0000 |")
                    .contains("| hybrid (default: z-score, 1:1) vs dense (BGE small) | application depth | +0.0000 |");
        }
    }

    @Test
    void aBeirCollectionIsChosenByOptionsAndOneWithoutJudgedQueriesIsAnError(@TempDir Path data) throws Exception {
        Files.writeString(
                data.resolve("corpus.jsonl"), "{\"_id\": \"a\", \"title\": \"Wings\", \"text\": \"swept\"}\n");
        Files.writeString(data.resolve("queries.jsonl"), "{\"_id\": \"q\", \"text\": \"wings\"}\n");
        Files.createDirectories(data.resolve("qrels"));
        Files.writeString(data.resolve("qrels/dev.tsv"), "q\ta\t1\n");
        Files.writeString(data.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\n");
        CollectionOptions options = new CollectionOptions();
        String[] args = {"--format", "beir", "--data", data.toString(), "--split", "dev"};
        for (int i = 0; i < args.length; i++) {
            i = options.take(args, i);
        }
        assertThat(options.read().judgedQueries()).containsExactly("q");
        options.take(new String[] {"--split", "test"}, 0);
        assertThatThrownBy(options::read)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing to evaluate");
    }

    @Test
    void theSignFlipTestTellsARealDifferenceFromNoise() {
        double[] better = new double[40];
        double[] worse = new double[40];
        double[] noise = new double[40];
        for (int i = 0; i < 40; i++) {
            better[i] = 0.5 + 0.01 * (i % 3);
            worse[i] = 0.3 + 0.01 * (i % 5);
            noise[i] = i % 2 == 0 ? better[i] + 0.05 : better[i] - 0.05;
        }
        assertThat(FusionStudy.signFlip(better, worse)).isLessThan(0.001);
        assertThat(FusionStudy.signFlip(better, noise)).isGreaterThan(0.5);
        assertThat(FusionStudy.mean(better, List.of(0, 1)))
                .isEqualTo(0.505, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void syntheticCorpusIsReproducibleFromItsSeed() {
        SyntheticCorpus one = new SyntheticCorpus(500, 9);
        SyntheticCorpus two = new SyntheticCorpus(500, 9);
        assertThat(one.document(17, 500)).isEqualTo(two.document(17, 500));
        assertThat(one.queries(5)).isEqualTo(two.queries(5));
        assertThat(one.document(17, 500).text().length()).isBetween(500, 800);
        assertThat(new SyntheticCorpus(500, 10).document(17, 500)).isNotEqualTo(one.document(17, 500));
    }

    @Test
    void latencyHarnessIndexesBothWaysAndTimesEveryMode(@TempDir Path directory) throws Exception {
        List<LatencyBenchmark.Row> rows = LatencyBenchmark.run(300, 50, 20, 1, directory);
        assertThat(rows)
                .extracting(LatencyBenchmark.Row::what)
                .containsExactly(
                        "indexing, BM25 only",
                        "indexing, with BGE small embeddings",
                        "indexing, with seeded vectors (HNSW build, no model)",
                        "BM25 top-10 p50",
                        "BM25 top-10 p99",
                        "VECTOR top-10 p50",
                        "VECTOR top-10 p99",
                        "HYBRID top-10 p50",
                        "HYBRID top-10 p99");
        assertThat(rows.getFirst().value()).contains("chunks/s (300 in");
    }
}
