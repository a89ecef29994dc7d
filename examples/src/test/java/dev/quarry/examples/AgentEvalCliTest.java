package dev.quarry.examples;

import static dev.quarry.examples.QuarryCliTest.quarry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry eval --agent}: the README's ask agent (offline model) on the 34 questions about Quarry in
 * {@code src/test/resources/eval/docs-cases.jsonl}, over this repository's {@code docs/} (BM25 here, to keep
 * the test quick; docs/evaluation.md reports the default hybrid index too), with the report, a baseline and
 * a CI gate.
 */
class AgentEvalCliTest {

    static final Path CASES = Path.of("src", "test", "resources", "eval", "docs-cases.jsonl");
    static final Path DOCS = Path.of("..", "docs");

    @TempDir
    Path dir;

    private QuarryCliTest.Run eval(Path report, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "eval",
                "--agent",
                CASES.toString(),
                "--index",
                dir.resolve("index").toString(),
                "--bm25-only",
                "--docs",
                DOCS.toString(),
                "--model",
                "offline",
                "--report",
                report.toString()));
        args.addAll(java.util.List.of(more));
        return quarry(args.toArray(String[]::new));
    }

    @Test
    void theAskAgentIsEvaluatedOnTheDocsQuestionsAndCiCanGateOnIt() throws Exception {
        QuarryCliTest.Run first =
                eval(dir.resolve("first"), "--threshold", "run>=1", "--threshold", "citations_supported>=1");

        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(first.out())
                .contains("# Agent evaluation")
                .contains("of 34 cases passed")
                .contains("report.html");
        JsonNode summary =
                new ObjectMapper().readTree(dir.resolve("first/summary.json").toFile());
        assertThat(summary.path("total").asInt()).isEqualTo(34);
        assertThat(summary.at("/summary/run/mean").asDouble()).isEqualTo(1.0);
        // 30 of 34 passed with BM25 when the cases were written (docs/evaluation.md): a floor, not a target
        assertThat(summary.at("/summary/answer/mean").asDouble()).isGreaterThan(0.5);
        assertThat(dir.resolve("first/report.md")).content().contains("| journal-file |");
        assertThat(Files.list(dir.resolve("first/traces")).count()).isEqualTo(34);

        QuarryCliTest.Run gated = eval(
                dir.resolve("gated"),
                "--threshold",
                "answer>=1.01",
                "--baseline",
                dir.resolve("first/summary.json").toString());
        assertThat(gated.exit()).isEqualTo(1);
        assertThat(gated.out())
                .contains("threshold missed: answer>=1.01: the mean is")
                .contains("## Against the baseline")
                .contains("No case that passed before fails now.");
    }

    @Test
    void aBadDatasetIsRefusedNamingItsLineAndField() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"task\": \"fine\"}\n{\"task\": \"x\", \"answer\": {\"number\": \"ten\"}}\n");

        QuarryCliTest.Run run = quarry(
                "eval",
                "--agent",
                bad.toString(),
                "--index",
                dir.resolve("index").toString(),
                "--bm25-only",
                "--docs",
                DOCS.toString(),
                "--model",
                "offline");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("bad.jsonl line 2, field answer.number: must be a number, was \"ten\"");
        QuarryCliTest.Run neither =
                quarry("eval", "--index", dir.resolve("index").toString());
        assertThat(neither.exit()).isNotZero();
        assertThat(neither.err()).contains("give --queries and --qrels (retrieval evaluation) or --agent cases.jsonl");
    }
}
