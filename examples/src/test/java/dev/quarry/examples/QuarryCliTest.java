package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.durable.RunRecords;
import dev.quarry.offline.OfflineModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    void evalScoresTheIndexOnTheUsersJudgments() throws Exception {
        Path queries = Files.writeString(work.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "turbine blades"}
                {"_id": "q2", "text": "flutter"}
                {"_id": "q3", "text": "shock waves"}
                """);
        Path qrels = Files.writeString(
                work.resolve("qrels.tsv"),
                "query-id\tcorpus-id\tscore\nq1\tturbines.md\t1\nq2\twings.md\t2\nq3\tturbines.md\t1\n"
                        + "q3\tgone.md\t1\n");
        Path csv = work.resolve("eval/per-query.csv");
        Run run = quarry(
                "eval",
                "--queries",
                queries.toString(),
                "--qrels",
                qrels.toString(),
                "--index",
                index.toString(),
                "--bm25-only",
                "--per-query",
                csv.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        // q1 and q2 find their document first; q3 finds wings.md, which is not relevant, and misses both
        assertThat(run.out())
                .contains("3 judged queries. Application depth: k = 10 hits; deep: k = 100.")
                .contains("| BM25 | 0.6667 | 0.6667 | 0.6667 | 0.6667 |")
                .contains("warning: 1 judged document ids are not in the index");
        assertThat(Files.readAllLines(csv)).hasSize(1 + 3 * 2).contains("q3,BM25,10,0.000000,0.000000,0.000000");

        Run fusion = quarry(
                "eval",
                "--queries",
                queries.toString(),
                "--qrels",
                qrels.toString(),
                "--index",
                index.toString(),
                "--bm25-only",
                "--fusion",
                "rrf");
        assertThat(fusion.exit()).isEqualTo(1);
        assertThat(fusion.err()).contains("--fusion needs an index with embeddings");
        Run missing = quarry(
                "eval",
                "--queries",
                work.resolve("nope.jsonl").toString(),
                "--qrels",
                qrels.toString(),
                "--index",
                index.toString(),
                "--bm25-only");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.jsonl not found");
    }

    @Test
    void aFolderOfTheUsersFilesIsNeverUsedAsAnIndexAndReadersCreateNone() throws Exception {
        Path site = Files.createDirectories(work.resolve("site"));
        Files.writeString(site.resolve("_config.yml"), "title: my site");
        Files.writeString(site.resolve("_todo.txt"), "buy milk");
        Files.writeString(site.resolve("notes.md"), "# Notes");
        Run search = quarry("search", "hello", "--index", site.toString(), "--bm25-only");
        assertThat(search.exit()).isNotZero();
        assertThat(search.err()).contains("holds no Quarry index");
        Run build = quarry("index", docs.toString(), "--index", site.toString(), "--bm25-only");
        assertThat(build.exit()).isNotZero();
        assertThat(build.err()).contains("is not empty and holds no Quarry index");
        try (Stream<Path> files = Files.list(site)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("_config.yml", "_todo.txt", "notes.md");
        }
        assertThat(Files.readString(site.resolve("_config.yml"))).isEqualTo("title: my site");

        Path absent = work.resolve("no-index-here");
        assertThat(quarry("search", "hello", "--index", absent.toString(), "--bm25-only")
                        .exit())
                .isNotZero();
        assertThat(absent).doesNotExist();
    }

    @Test
    void everySubcommandHasHelpEnumsIgnoreCaseAndABadTracePathFailsBeforeTheRun() {
        for (String command :
                new String[] {"index", "search", "ask", "research", "summarise", "draft-email", "pending", "approve"}) {
            Run help = quarry(command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage:");
            assertThat(help.err()).as(command).doesNotContain("Missing required");
        }
        assertThat(quarry("search", "turbine", "--index", index.toString(), "--bm25-only", "--mode", "bm25")
                        .exit())
                .isZero();
        Run badTrace = quarry(
                "ask",
                "What do gas turbines compress?",
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline",
                "--trace",
                work.resolve("no/such/folder/trace.html").toString());
        assertThat(badTrace.exit()).isEqualTo(1);
        assertThat(badTrace.err()).contains("does not exist or cannot be written");
        assertThat(badTrace.out()).doesNotContain("Sources:");
    }

    @Test
    void pruneRemovesDocumentsWhoseFilesAreGone() throws Exception {
        Path folder = Files.createDirectories(work.resolve("prune-docs"));
        Path prunedIndex = work.resolve("prune-index");
        Files.writeString(folder.resolve("keep.md"), "# Keep\n\nAstrolabes measure the altitude of stars.");
        Files.writeString(folder.resolve("gone.md"), "# Gone\n\nZeppelins float on hydrogen.");
        assertThat(quarry("index", folder.toString(), "--index", prunedIndex.toString(), "--bm25-only")
                        .exit())
                .isZero();
        Files.delete(folder.resolve("gone.md"));
        Run kept = quarry("index", folder.toString(), "--index", prunedIndex.toString(), "--bm25-only");
        assertThat(kept.out()).doesNotContain("removed");
        assertThat(quarry("search", "zeppelins", "--index", prunedIndex.toString(), "--bm25-only")
                        .exit())
                .as("without --prune a deleted file stays searchable")
                .isZero();
        Run pruned = quarry("index", folder.toString(), "--index", prunedIndex.toString(), "--bm25-only", "--prune");
        assertThat(pruned.out()).contains("removed 1 documents no longer in");
        assertThat(quarry("search", "zeppelins", "--index", prunedIndex.toString(), "--bm25-only")
                        .exit())
                .isEqualTo(1);
        assertThat(quarry("search", "astrolabes", "--index", prunedIndex.toString(), "--bm25-only")
                        .exit())
                .isZero();
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

    /** {@code command} on a two-part question over the test index with the offline model, and {@code options}. */
    static Run offlineTwoParts(String command, String... options) {
        List<String> args = new ArrayList<>(List.of(
                command,
                "What do gas turbines compress, and what do swept wings delay?",
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline"));
        args.addAll(List.of(options));
        return quarry(args.toArray(String[]::new));
    }

    /** The run answered both parts of the question, citing the passage of each. */
    static void answersBothPartsWithCitations(Run run) {
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith(OfflineModel.HEADER)
                .contains("compress air")
                .contains("shock waves")
                .contains("Sources:")
                .contains("turbines.md#0")
                .contains("wings.md#0");
    }

    @Test
    void askWithASessionContinuesTheConversationStoredInItsFolder() throws Exception {
        Path sessions = work.resolve("sessions");
        Run first = quarry(
                "ask",
                "What do gas turbines compress?",
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline",
                "--session",
                "pilot-1",
                "--sessions",
                sessions.toString());
        Run second = quarry(
                "ask",
                "What do swept wings delay?",
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline",
                "--session",
                "pilot-1",
                "--sessions",
                sessions.toString());

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).contains("shock waves");
        String stored = Files.readString(sessions.resolve("pilot-1.json"));
        assertThat(stored)
                .contains("\"revision\":2")
                .contains("What do gas turbines compress?")
                .contains("What do swept wings delay?");
        Run badId = quarry(
                "ask",
                "x",
                "--index",
                index.toString(),
                "--bm25-only",
                "--model",
                "offline",
                "--session",
                "../escape",
                "--sessions",
                sessions.toString());
        assertThat(badId.exit()).isNotZero();
        assertThat(badId.err()).contains("a conversation id is 1 to 200 letters");
    }

    @Test
    void askOneTurnSearchesEachSubQuestionFirstAndAnswersInOneModelCall() {
        Run run = offlineTwoParts("ask", "--one-turn");
        answersBothPartsWithCitations(run);
        assertThat(run.out()).contains("1 model calls, 2 steps");
    }

    @Test
    void researchFansOutToResearcherSubAgentsAndCitesWhatTheyFound() throws Exception {
        Path trace = work.resolve("research.html");
        Run run = offlineTwoParts("research", "--trace", trace.toString());
        answersBothPartsWithCitations(run);
        // the coordinator's two calls and two of each researcher's; its steps are the two researchers
        assertThat(run.out()).contains("6 model calls, 2 steps");
        assertThat(run.out()).containsPattern("sub-agent researcher \\(run \\w+\\.call-1\\): answered");
        assertThat(run.out()).containsPattern("sub-agent researcher \\(run \\w+\\.call-2\\): answered");
        assertThat(Files.readString(trace)).contains("data-subagent=").contains("\u21b3 call-1");
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
    void askWithSpeculativeSearchesServesThePlansSearchesFromThem() {
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
                "--speculate");
        assertThat(run.exit()).isZero();
        // the offline model plans one search per sub-question, exactly the speculated ones
        assertThat(run.out())
                .contains("compress air")
                .contains("shock waves")
                .contains("speculation: 2 searches predicted, 2 used, 0 wasted, 0 not run");
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
    void draftEmailWithSendWaitsForApprovalAndALaterCommandSendsItOnce() throws Exception {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        try {
            String[] email = emailOptions(work.resolve("send-outbox"), work.resolve("journal"), mail);
            Run drafted = quarry(
                    concat(new String[] {"draft-email", "--to", "ops@example.com", "--send", "wing flutter"}, email));
            assertThat(drafted.exit()).as(drafted.err()).isZero();
            assertThat(drafted.out()).contains("Waiting for approval: run ").contains("send_email");
            assertThat(mail.getReceivedMessages()).isEmpty();
            String runId = drafted.out().replaceAll("(?s).*Waiting for approval: run (\\w+),.*", "$1");

            Run pending = quarry("pending", "--journal", work.resolve("journal").toString());
            assertThat(pending.out())
                    .contains("run " + runId)
                    .contains("send_email")
                    .contains("draft-");

            Run approved = quarry(concat(new String[] {"approve", runId}, email));
            assertThat(approved.exit()).as(approved.err()).isZero();
            assertThat(approved.out()).contains("Sent draft-").contains("ops@example.com");
            assertThat(mail.getReceivedMessages()).hasSize(1);
            assertThat(mail.getReceivedMessages()[0].getSubject()).contains("wing flutter");
            try (Stream<Path> sent = Files.list(work.resolve("send-outbox/sent"));
                    Stream<Path> left = Files.list(work.resolve("send-outbox"))) {
                assertThat(sent.count())
                        .as("the draft was replayed from the journal, not written again")
                        .isEqualTo(1);
                assertThat(left.filter(f -> f.toString().endsWith(".eml"))).isEmpty();
            }

            assertThat(quarry("pending", "--journal", work.resolve("journal").toString())
                            .out())
                    .contains("Nothing waits for approval.");
            Run again = quarry(concat(new String[] {"approve", runId}, email));
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("waits for no approval");
            assertThat(mail.getReceivedMessages()).hasSize(1);
        } finally {
            mail.stop();
        }
    }

    @Test
    void twoApproveCommandsInTwoJvmsAtOnceSendTheMailOnceAndRecordTheOsUser() throws Exception {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        try {
            Path journal = work.resolve("race-journal");
            String[] email = emailOptions(work.resolve("race-outbox"), journal, mail);
            Run drafted = quarry(
                    concat(new String[] {"draft-email", "--to", "ops@example.com", "--send", "wing flutter"}, email));
            assertThat(drafted.exit()).as(drafted.err()).isZero();
            String runId = drafted.out().replaceAll("(?s).*Waiting for approval: run (\\w+),.*", "$1");

            List<Process> approvals = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<String> command = new java.util.ArrayList<>(List.of(
                        McpServeTest.JAVA,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Quarry.class.getName(),
                        "approve",
                        runId));
                command.addAll(List.of(email));
                approvals.add(
                        new ProcessBuilder(command).redirectErrorStream(true).start());
            }
            List<String> outputs = new java.util.ArrayList<>();
            List<Integer> exits = new java.util.ArrayList<>();
            for (Process approval : approvals) {
                outputs.add(new String(approval.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                assertThat(approval.waitFor(120, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
                exits.add(approval.exitValue());
            }
            assertThat(exits).as(String.join("\n---\n", outputs)).containsExactlyInAnyOrder(0, 1);
            assertThat(outputs).anySatisfy(o -> assertThat(o).contains("Sent draft-"));
            assertThat(outputs).anySatisfy(o -> assertThat(o).containsPattern("waits for no approval|not waiting"));
            assertThat(mail.getReceivedMessages()).hasSize(1);

            String step = drafted.out().replaceAll("(?s).*Waiting for approval: run \\w+, step ([^:]+):.*", "$1");
            assertThat(RunRecords.resume(FileJournal.in(journal), runId).approver(step))
                    .as("the journal says who approved")
                    .contains(ApproveCommand.approver());
        } finally {
            mail.stop();
        }
    }

    /** The options of draft-email and approve: this outbox and journal, GreenMail, the offline model. */
    private static String[] emailOptions(Path outbox, Path journal, GreenMail mail) {
        return new String[] {
            "--outbox",
            outbox.toString(),
            "--journal",
            journal.toString(),
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            Integer.toString(mail.getSmtp().getPort()),
            "--index",
            index.toString(),
            "--bm25-only",
            "--model",
            "offline"
        };
    }

    private static String[] concat(String[] first, String[] second) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(second))
                .toArray(String[]::new);
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
