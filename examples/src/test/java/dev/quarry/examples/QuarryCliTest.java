package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** One test per subcommand: output and exit code, on a BM25-only index of a small corpus. */
class QuarryCliTest {

    @TempDir
    static Path work;

    static Path docs;
    static Path index;

    record Run(int exit, String out, String err) {}

    static Run quarry(String... args) {
        CommandLine cli = Quarry.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void corpus() throws Exception {
        docs = Files.createDirectories(work.resolve("docs"));
        index = work.resolve("index");
        Files.writeString(
                docs.resolve("turbines.md"),
                "# Turbines\n\nGas turbines compress air before combustion. The hot gas spins the turbine blades.");
        Files.writeString(
                docs.resolve("wings.md"),
                "# Wings\n\nSwept wings delay shock waves at transonic speed. Wing flutter is a dangerous vibration.");
        Files.write(docs.resolve("broken.pdf"), new byte[] {1, 2, 3});
        Run indexed = quarry("index", docs.toString(), "--index", index.toString(), "--bm25-only");
        assertThat(indexed.exit()).isZero();
        assertThat(indexed.out()).contains("2 documents").contains("skipped").contains("broken.pdf");
    }

    @Test
    void searchPrintsCitedHits() {
        Run run = quarry("search", "turbine blades", "--index", index.toString(), "--bm25-only");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("[turbines.md#0[").contains("<b>blades</b>");
        assertThat(quarry("search", "zeppelin", "--index", index.toString(), "--bm25-only")
                        .exit())
                .isEqualTo(1);
    }

    @Test
    void askAnswersOfflineWithCitationsParallelSearchesAndATrace() throws Exception {
        Path trace = work.resolve("trace.html");
        Run run = quarry(
                "ask",
                "What do gas turbines compress, and what do swept wings delay?",
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline",
                "--trace",
                trace.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .startsWith(OfflineModel.HEADER)
                .contains("compress air")
                .contains("shock waves");
        assertThat(run.out()).contains("Sources:").contains("turbines.md#0").contains("wings.md#0");
        assertThat(run.out()).contains("2 model calls, 2 steps");
        assertThat(Files.readString(trace)).contains("data-span=\"call-1\"").contains("data-span=\"call-2\"");
    }

    @Test
    void askWithTheGraphPlannerAndStreaming() {
        Run run = quarry(
                "ask",
                "What do gas turbines compress, and what do swept wings delay?",
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline",
                "--planner",
                "graph",
                "--stream");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("compress air").contains("shock waves").contains("planner graph");
    }

    @Test
    void summariseCitesTheDocument() {
        Run run = quarry("summarise", "wings.md", "--index", index.toString(), "--bm25-only", "--model", "offline");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Swept wings").contains("[wings.md#0[");
        Run missing = quarry("summarise", "nope.md", "--index", index.toString(), "--bm25-only", "--model", "offline");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no document 'nope.md'");
    }

    @Test
    void draftEmailWritesACitedDraft() throws Exception {
        Path outbox = work.resolve("outbox");
        Run run = quarry(
                "draft-email",
                "--to",
                "ops@example.com",
                "wing flutter",
                "--outbox",
                outbox.toString(),
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Draft saved as draft-");
        try (Stream<Path> drafts = Files.list(outbox)) {
            String eml = Files.readString(drafts.findFirst().orElseThrow());
            assertThat(eml).contains("To: ops@example.com").contains("Sources:").contains("wings.md#0");
        }
    }

    @Test
    void badUsageAndBadInputGetTheExitCodesAShellExpects() {
        assertThat(quarry("ask").exit()).isEqualTo(2);
        Run badModel = quarry("ask", "x", "--index", index.toString(), "--bm25-only", "--model", "gpt");
        assertThat(badModel.exit()).isEqualTo(1);
        assertThat(badModel.err()).contains("--model must be");
        Run empty = quarry(
                "index",
                work.resolve("nothing-here").toString(),
                "--index",
                work.resolve("i2").toString(),
                "--bm25-only");
        assertThat(empty.exit()).isEqualTo(1);
        assertThat(empty.err()).contains("is not a directory");
    }
}
