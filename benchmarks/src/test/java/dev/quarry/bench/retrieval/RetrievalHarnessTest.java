package dev.quarry.bench.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quarry.index.LuceneIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke tests of the retrieval harnesses on tiny inputs, and the metrics on hand-computed cases. */
class RetrievalHarnessTest {

    @Test
    void ndcgUsesGainFiveMinusGradeAgainstTheIdealOrdering() {
        Map<String, Integer> grades = Map.of("a", 1, "b", 3);
        assertThat(RankingMetrics.ndcg(List.of("a", "b", "c"), grades, 10)).isEqualTo(1.0);
        // b (gain 2) first, a (gain 4) second: (2 + 4/log2 3) / (4 + 2/log2 3)
        double expected = (2 + 4 / log2(3)) / (4 + 2 / log2(3));
        assertThat(RankingMetrics.ndcg(List.of("b", "a"), grades, 10)).isCloseTo(expected, within(1e-12));
        assertThat(RankingMetrics.ndcg(List.of("c", "d"), grades, 10)).isZero();
    }

    @Test
    void averagePrecisionAndRecallCountEveryJudgedGradeRelevant() {
        Map<String, Integer> grades = Map.of("a", 4, "b", 2);
        assertThat(RankingMetrics.averagePrecision(List.of("x", "a", "y", "b"), grades))
                .isCloseTo((1.0 / 2 + 2.0 / 4) / 2, within(1e-12));
        assertThat(RankingMetrics.recall(List.of("x", "a", "y", "b"), grades, 2))
                .isEqualTo(0.5);
        assertThat(RankingMetrics.recall(List.of(), Map.of(), 2)).isZero();
    }

    @Test
    void cranfieldFilesAreReadAndEveryModeIsEvaluatedOnOneIndex(@TempDir Path data) throws Exception {
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
        Cranfield cranfield = Cranfield.load(data);
        assertThat(cranfield.documents())
                .extracting(Cranfield.CranfieldDocument::id)
                .containsExactly("1", "2", "3");
        assertThat(cranfield.documents().getFirst().title()).isEqualTo("lift of a wing in a slipstream .");
        assertThat(cranfield.queries()).containsOnlyKeys(1, 2);
        assertThat(cranfield.judgments()).isEqualTo(Map.of(1, Map.of("1", 1), 2, Map.of("3", 2)));

        try (LuceneIndex index = LuceneIndex.builder().defaultEmbeddingModel().open()) {
            assertThat(QualityBenchmark.index(index, cranfield)).isEmpty();
            List<QualityBenchmark.ModeQuality> results =
                    QualityBenchmark.evaluate(index, cranfield, QualityBenchmark.VARIANTS);
            assertThat(results).hasSize(4);
            // two unambiguous queries: every mode ranks the one relevant abstract first
            assertThat(results).allSatisfy(r -> assertThat(r.ndcg10()).isEqualTo(1.0));
            assertThat(QualityBenchmark.table(results, cranfield, List.of()))
                    .contains("| BM25 | 1.0000 | 1.0000 | 1.0000 |")
                    .contains("3 abstracts indexed (0 left out");
        }
    }

    @Test
    void aCollectionWithoutJudgedQueriesIsAnErrorNotNaN(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("cran.all.1400"), ".I 1\n.T\nwings .\n.A\n.B\n.W\nswept wings .\n");
        Files.writeString(data.resolve("cran.qry"), ".I 001\n.W\nwings .\n");
        Files.writeString(data.resolve("cranqrel"), "");
        Cranfield cranfield = Cranfield.load(data);
        try (LuceneIndex index = LuceneIndex.builder().open()) {
            QualityBenchmark.index(index, cranfield);
            assertThatThrownBy(() -> QualityBenchmark.evaluate(
                            index,
                            cranfield,
                            List.of(new QualityBenchmark.Variant(
                                    "BM25",
                                    dev.quarry.index.SearchMode.BM25,
                                    dev.quarry.index.SearchRequest.Fusion.DEFAULT))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no judged queries");
        }
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

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
