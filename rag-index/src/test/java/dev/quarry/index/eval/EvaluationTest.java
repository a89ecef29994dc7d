package dev.quarry.index.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics on hand-computed cases, the two file formats, runs and reports on a real index. */
class EvaluationTest {

    @TempDir
    Path dir;

    @Test
    void ndcgUsesTheGainsAgainstTheIdealOrdering() {
        Map<String, Integer> gains = Map.of("a", 4, "b", 2);
        assertThat(RankingMetrics.ndcg(List.of("a", "b", "c"), gains, 10)).isEqualTo(1.0);
        double expected = (2 + 4 / log2(3)) / (4 + 2 / log2(3));
        assertThat(RankingMetrics.ndcg(List.of("b", "a"), gains, 10)).isCloseTo(expected, within(1e-12));
        assertThat(RankingMetrics.ndcg(List.of("c", "d"), gains, 10)).isZero();
        assertThat(RankingMetrics.averagePrecision(List.of("x", "a", "y", "b"), gains))
                .isCloseTo((1.0 / 2 + 2.0 / 4) / 2, within(1e-12));
        assertThat(RankingMetrics.recall(List.of("x", "a", "y", "b"), gains, 2)).isEqualTo(0.5);
    }

    @Test
    void theSignFlipTestSeparatesAConsistentDifferenceFromNone() {
        double[] a = new double[30];
        double[] b = new double[30];
        for (int i = 0; i < a.length; i++) {
            a[i] = 0.5 + (i % 3) * 0.1;
            b[i] = a[i] - 0.05;
        }
        assertThat(SignFlipTest.pValue(a, b, 1)).isLessThan(0.001);
        assertThat(SignFlipTest.pValue(a, a, 1)).isEqualTo(1.0);
        assertThat(SignFlipTest.pValue(a, b, 1)).isEqualTo(SignFlipTest.pValue(a, b, 1));
        assertThatThrownBy(() -> SignFlipTest.pValue(a, new double[2], 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same non-empty queries");
    }

    @Test
    void readsABeirFolder() throws Exception {
        writeBeir(dir);
        TestCollection collection = BeirFormat.read(dir, "test");
        assertThat(collection.documents()).extracting(Document::id).containsExactly("d1", "d2", "d3");
        assertThat(collection.documents().get(2).text()).isEqualTo("Only a title");
        assertThat(collection.documents().getFirst().metadata()).containsEntry("year", "1958");
        assertThat(collection.queries()).containsKeys("q1", "q2", "q3");
        assertThat(collection.judgments()).isEqualTo(Map.of("q1", Map.of("d1", 2), "q2", Map.of("d3", 1)));
        assertThat(collection.judgedQueries()).containsExactly("q1", "q2");
    }

    @Test
    void badBeirFilesFailNamingTheFileAndLine() throws Exception {
        writeBeir(dir);
        assertThatThrownBy(() -> BeirFormat.read(dir, "dev"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("dev.tsv not found");
        Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"wing lift\"}\n{oops\n");
        assertThatThrownBy(() -> BeirFormat.read(dir, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queries.jsonl line 2");
        Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"other\", \"text\": \"wing lift\"}\n");
        assertThatThrownBy(() -> BeirFormat.read(dir, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none of the 1 queries has a relevance judgment");
    }

    @Test
    void readsSmartCollectionsWithTheirGradingAndQueryNumbering() throws Exception {
        Path docs = Files.writeString(dir.resolve("docs"), """
                .I 1
                .T
                lift of a wing .
                .W
                lift of a wing in a slipstream was measured .
                .I 2
                .T
                heat transfer .
                .W
                heat transfer in hypersonic flow .
                .I 3
                .T
                no text here .
                """);
        Path queries = Files.writeString(dir.resolve("qry"), """
                .I 001
                .W
                wing lift .
                .I 009
                .W
                hypersonic heating .
                """);
        Path cranfield = Files.writeString(dir.resolve("cranqrel"), "1 1 1\n1 2 -1\n2 2 4\n2 3 5\n");
        TestCollection byPosition =
                SmartFormat.read(docs, queries, cranfield, SmartFormat.Grades.CRANFIELD, SmartFormat.QueryIds.POSITION);
        assertThat(byPosition.queries()).containsOnlyKeys("1", "2");
        assertThat(byPosition.judgments()).isEqualTo(Map.of("1", Map.of("1", 4), "2", Map.of("2", 1)));
        assertThat(byPosition.documents().get(2).text()).isEqualTo("no text here .");

        Path trec = Files.writeString(dir.resolve("qrels"), "9 0 2 1\n9 0 1 0\n");
        TestCollection byId = SmartFormat.read(docs, queries, trec, SmartFormat.Grades.GAIN, SmartFormat.QueryIds.ID);
        assertThat(byId.judgedQueries()).containsExactly("9");
        assertThat(byId.gains("9")).isEqualTo(Map.of("2", 1));
        TestCollection binary =
                SmartFormat.read(docs, queries, trec, SmartFormat.Grades.BINARY, SmartFormat.QueryIds.ID);
        assertThat(binary.gains("9")).isEqualTo(Map.of("2", 1, "1", 1));

        Path broken = Files.writeString(dir.resolve("broken"), "1 1\n");
        assertThatThrownBy(
                        () -> SmartFormat.read(docs, queries, broken, SmartFormat.Grades.GAIN, SmartFormat.QueryIds.ID))
                .hasMessageContaining("broken line 1");
    }

    @Test
    void runsScoreEveryJudgedQueryAndTheReportComparesHybridWithEachRetriever() throws Exception {
        writeBeir(dir);
        TestCollection collection = BeirFormat.read(dir, "test");
        try (LuceneIndex index = LuceneIndex.builder().open()) {
            index.upsertAll(collection.documents());
            Evaluation.Variant bm25 = new Evaluation.Variant("BM25", SearchMode.BM25, SearchRequest.Fusion.DEFAULT);
            Evaluation.Run run = Evaluation.run(index, collection, bm25, 10);
            assertThat(run.queries()).containsExactly("q1", "q2");
            assertThat(run.ndcg()[0]).isEqualTo(1.0); // "wing lift" finds d1 first
            assertThat(run.recall()[0]).isEqualTo(1.0);
            assertThat(run.ndcg()[1]).isEqualTo(1.0); // "title" is only in d3 (searched since titles count)
            String csv = Evaluation.perQueryCsv(List.of(run));
            assertThat(csv.lines())
                    .containsExactly(
                            "query,variant,k,ndcg10,average_precision,recall100",
                            "q1,BM25,10,1.000000,1.000000,1.000000",
                            "q2,BM25,10,1.000000,1.000000,1.000000");
        }
        Evaluation.Variant hybrid = new Evaluation.Variant("hybrid", SearchMode.HYBRID, SearchRequest.Fusion.DEFAULT);
        Evaluation.Variant bm25 = new Evaluation.Variant("BM25", SearchMode.BM25, SearchRequest.Fusion.DEFAULT);
        List<String> queries = List.of("q1", "q2");
        EvaluationReport report = new EvaluationReport(
                List.of(
                        new Evaluation.Run(bm25, 10, queries, new double[] {0.5, 0.25}, new double[2], new double[2]),
                        new Evaluation.Run(
                                hybrid, 10, queries, new double[] {0.75, 0.5}, new double[2], new double[2])),
                List.of());
        assertThat(report.markdown())
                .contains("2 judged queries. Application depth: k = 10 hits.")
                .contains("| BM25 | 0.3750 |")
                .contains("| hybrid | 0.6250 |")
                .containsPattern("\\| hybrid vs BM25 \\| application depth \\| \\+0\\.2500 \\| 0\\.\\d{4} \\|");
    }

    static void writeBeir(Path folder) throws Exception {
        Files.writeString(folder.resolve("corpus.jsonl"), """
                {"_id": "d1", "title": "Wings", "text": "The lift of a wing rises with the angle of attack.", "metadata": {"year": "1958"}}
                {"_id": "d2", "title": "Heat", "text": "Heat transfer in hypersonic flow."}
                {"_id": "d3", "title": "Only a title", "text": ""}
                """);
        Files.writeString(folder.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "wing lift"}
                {"_id": "q2", "text": "title"}
                {"_id": "q3", "text": "not judged"}
                """);
        Files.createDirectories(folder.resolve("qrels"));
        Files.writeString(
                folder.resolve("qrels").resolve("test.tsv"),
                "query-id\tcorpus-id\tscore\nq1\td1\t2\nq2\td3\t1\nq2\td2\t0\n");
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
