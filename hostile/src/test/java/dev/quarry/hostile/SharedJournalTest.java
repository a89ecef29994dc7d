package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentListener;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.durable.JdbcJournal;
import dev.quarry.agent.durable.RunJournal;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.ApprovalHandler.Decision;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.LocalPostgres;
import dev.quarry.tools.EmailTools;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Three application instances (JVMs) on one PostgreSQL journal. An instance running a run is killed with
 * SIGKILL at a seeded point of it; once its lease lapses, two other instances look for orphans at the same
 * moment and exactly one resumes the run; the e-mail it sends reaches the SMTP server (GreenMail) exactly
 * once. Then a run that waits for approval on one instance is approved by two others at once: the side
 * effect happens once, one approver gets the answer and the other a clear refusal.
 */
class SharedJournalTest {

    static final int KILLS = 4;
    static final Duration LEASE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    LocalPostgres postgres;
    GreenMail mail;
    BedrockSimulator simulator;

    @BeforeEach
    void start() {
        assumeTrue(LocalPostgres.binaries().isPresent(), "no PostgreSQL server binaries here; skipped");
        postgres = LocalPostgres.start();
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        simulator = BedrockSimulator.builder().script(KilledRunTest::script).start();
    }

    @AfterEach
    void stop() {
        if (postgres != null) {
            simulator.close();
            mail.stop();
            postgres.close();
        }
    }

    @Test
    void aKilledInstancesRunIsResumedByExactlyOneOtherAndEveryMailIsSentOnce() throws Exception {
        Random random = new Random(36);
        int writesPerRun;
        try (Instance first = new Instance("a0", false)) {
            Outcome whole = first.run(1, Integer.MAX_VALUE);
            assertThat(whole.answer()).isEqualTo(KilledRunTest.answer(1));
            writesPerRun = whole.writes();
        }
        assertThat(mailsOf(1)).isEqualTo(1);
        List<Integer> killPoints = new ArrayList<>();
        for (int run = 2; run < 2 + KILLS; run++) {
            int killAt = 1 + random.nextInt(writesPerRun - 1);
            killPoints.add(killAt);
            String runId;
            try (Instance doomed = new Instance("doomed-" + run, false)) {
                Outcome killed = doomed.run(run, killAt);
                assertThat(killed.answer()).as("killed after %d writes", killAt).isNull();
                runId = killed.runId();
                doomed.kill();
            }
            awaitLapsed(runId);
            int number = run;
            try (Instance b = new Instance("b-" + run, false);
                    Instance c = new Instance("c-" + run, false)) {
                CompletableFuture<List<String>> byB = CompletableFuture.supplyAsync(() -> b.orphans(this, number));
                CompletableFuture<List<String>> byC = CompletableFuture.supplyAsync(() -> c.orphans(this, number));
                List<String> resumed = new ArrayList<>(byB.get(120, TimeUnit.SECONDS));
                resumed.addAll(byC.get(120, TimeUnit.SECONDS));
                assertThat(resumed)
                        .as("run %d (killed after %d writes) is resumed by exactly one instance", run, killAt)
                        .hasSize(1);
                assertThat(resumed.getFirst())
                        .startsWith(runId + " Run " + run + ": total " + KilledRunTest.total(run) + ";");
            }
            assertThat(mailsOf(run)).as("run %d: mailed exactly once", run).isEqualTo(1);
        }
        System.out.printf(
                "SharedJournalTest: %d instances killed after journal writes %s of %d; each run resumed by exactly"
                        + " one of two instances racing for it, each mail sent once%n",
                KILLS, killPoints, writesPerRun);
    }

    @Test
    void twoInstancesApprovingOneRunAtOnceSendItsMailOnce() throws Exception {
        String runId;
        try (Instance a = new Instance("a", true)) {
            runId = a.waiting(7);
        }
        try (Instance b = new Instance("b", true);
                Instance c = new Instance("c", true)) {
            CompletableFuture<String> byB = CompletableFuture.supplyAsync(() -> b.approve(runId));
            CompletableFuture<String> byC = CompletableFuture.supplyAsync(() -> c.approve(runId));
            List<String> outcomes = List.of(byB.get(120, TimeUnit.SECONDS), byC.get(120, TimeUnit.SECONDS));
            assertThat(outcomes)
                    .filteredOn(o -> o.startsWith("ANSWER "))
                    .containsExactly("ANSWER " + KilledRunTest.answer(7));
            assertThat(outcomes)
                    .filteredOn(o -> o.startsWith("ERROR "))
                    .singleElement()
                    .asString()
                    .containsAnyOf("is being continued elsewhere", "is not waiting", "no longer waiting");
        }
        assertThat(mailsOf(7)).isEqualTo(1);
    }

    /** Waits until the killed instance's lease on the run has lapsed: the database's row says when. */
    private void awaitLapsed(String runId) throws SQLException, InterruptedException {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(postgres.jdbcUrl());
        try (Connection connection = source.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT expires_at FROM quarry_run_journal_leases WHERE run_id = ?")) {
            select.setString(1, runId);
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    long wait = rows.getLong(1) - System.currentTimeMillis() + 50;
                    // waiting out a lease the dead instance cannot renew is the point of the test, not a race
                    TimeUnit.MILLISECONDS.sleep(Math.max(0, wait));
                }
            }
        }
    }

    int mailsOf(int run) {
        int count = 0;
        for (MimeMessage message : mail.getReceivedMessages()) {
            try {
                if (("Run " + run + " total").equals(message.getSubject())) {
                    count++;
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return count;
    }

    /** What a command came to: the run, its journal writes, its answer (null when the instance was killed). */
    record Outcome(String runId, int writes, String answer) {}

    /** One application instance: a child JVM running {@link Child}, driven over standard input and output. */
    final class Instance extends ChildProcess {

        Instance(String name, boolean suspendForApproval) throws IOException {
            super(
                    Child.class,
                    dir.resolve(name + "-stderr.txt"),
                    simulator.endpoint().toString(),
                    Integer.toString(mail.getSmtp().getPort()),
                    dir.toString(),
                    postgres.jdbcUrl(),
                    name,
                    Boolean.toString(suspendForApproval));
        }

        /** Starts run {@code run}; returns at its answer, or after {@code killAt} journal writes. */
        Outcome run(int run, int killAt) throws IOException {
            in.println("run " + run);
            String runId = null;
            int writes = 0;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("RUN ")) {
                    runId = line.substring(4);
                } else if (line.startsWith("journal ")) {
                    if (++writes >= killAt) {
                        return new Outcome(line.substring(8), writes, null);
                    }
                } else if (line.startsWith("ANSWER ")) {
                    return new Outcome(runId, writes, line.substring(7));
                } else if (line.startsWith("ERROR ")) {
                    throw new AssertionError(line + "\n" + stderrText());
                }
            }
            throw new AssertionError("the instance exited: " + stderrText());
        }

        /** Starts run {@code run} on an instance that stops at the send for approval; returns its run id. */
        String waiting(int run) throws IOException {
            in.println("run " + run);
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("WAITING ")) {
                    return line.substring(8);
                } else if (line.startsWith("ERROR ") || line.startsWith("ANSWER ")) {
                    throw new AssertionError(line + "\n" + stderrText());
                }
            }
            throw new AssertionError("the instance exited: " + stderrText());
        }

        /** Looks for orphans; the runs it resumed, as "runId answer". In-doubt sends are decided by GreenMail. */
        List<String> orphans(SharedJournalTest test, int run) {
            try {
                in.println("orphans");
                List<String> resumed = new ArrayList<>();
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("RESUMED ")) {
                        resumed.add(line.substring(8));
                    } else if (line.startsWith("IN-DOUBT")) {
                        in.println(test.mailsOf(run) > 0 ? "refuse" : "approve");
                    } else if (line.startsWith("DONE")) {
                        return resumed;
                    } else if (line.startsWith("ERROR ")) {
                        throw new AssertionError(line + "\n" + stderrText());
                    }
                }
                throw new AssertionError("the instance exited: " + stderrText());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Approves every call the run waits at; "ANSWER ..." or "ERROR ...". */
        String approve(String runId) {
            try {
                in.println("approve " + runId);
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("ANSWER ") || line.startsWith("ERROR ")) {
                        return line;
                    }
                }
                throw new AssertionError("the instance exited: " + stderrText());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * An application instance: the agent of {@link KilledRunTest} on Claude (the simulator) with a JDBC
     * journal on the shared PostgreSQL (lease time 2 s), real e-mail tools and a look-up tool. Commands:
     * {@code run <n>}, {@code orphans}, {@code approve <runId>}.
     */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            Path home = Path.of(args[2]);
            boolean suspend = Boolean.parseBoolean(args[5]);
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            Properties smtp = new Properties();
            smtp.put("mail.smtp.host", "127.0.0.1");
            smtp.put("mail.smtp.port", args[1]);
            EmailTools email = new EmailTools(home.resolve("outbox"), "agent@quarry.dev", smtp);
            PGSimpleDataSource source = new PGSimpleDataSource();
            source.setUrl(args[3]);
            try (JdbcJournal shared = JdbcJournal.builder(source)
                            .instanceId(args[4])
                            .leaseTime(LEASE)
                            .build();
                    ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                            .region("us-east-1")
                            .credentials(StaticCredentialsProvider.create(
                                    AwsBasicCredentials.create(Simulated.ACCESS_KEY_ID, Simulated.SECRET_ACCESS_KEY)))
                            .endpointOverride(URI.create(args[0]))
                            .timeout(Duration.ofSeconds(30))
                            .build()) {
                RunJournal journal = announcing(shared, out);
                Agent agent = Agent.builder()
                        .model(claude.chatModel())
                        .journal(journal)
                        .tool(KilledRunTest.Child.lookup())
                        .tool(email.draftEmail())
                        .tool(email.sendEmail())
                        .listener(new AgentListener() {
                            @Override
                            public void onRunStart(String runId, String task) {
                                out.println("RUN " + runId);
                            }
                        })
                        .approvalHandler(request -> {
                            if (suspend && !request.inDoubt()) {
                                return ApprovalHandler.suspendRun().decide(request);
                            }
                            if (!request.inDoubt()) {
                                return Decision.approve();
                            }
                            out.println("IN-DOUBT");
                            try {
                                return "approve".equals(commands.readLine())
                                        ? Decision.approve()
                                        : Decision.refuse("the e-mail was already sent");
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        })
                        .build();
                for (String command = commands.readLine(); command != null; command = commands.readLine()) {
                    try {
                        if (command.startsWith("run ")) {
                            AgentResult result = agent.run(KilledRunTest.task(Integer.parseInt(command.substring(4))));
                            out.println(
                                    result.waitingForApproval()
                                            ? "WAITING " + result.runId()
                                            : "ANSWER " + result.answer());
                        } else if (command.equals("orphans")) {
                            for (AgentResult result : agent.resumeOrphans()) {
                                out.println("RESUMED " + result.runId() + " " + result.answer());
                            }
                            out.println("DONE");
                        } else if (command.startsWith("approve ")) {
                            String runId = command.substring(8);
                            Map<String, Decision> decisions = new java.util.HashMap<>();
                            agent.waitingForApproval().stream()
                                    .filter(r -> r.runId().equals(runId))
                                    .forEach(r -> decisions.put(r.stepId(), Decision.approve()));
                            if (decisions.isEmpty()) {
                                out.println("ERROR run " + runId + " is not waiting for approval");
                            } else {
                                out.println("ANSWER "
                                        + agent.approve(runId, decisions, "instance " + args[4])
                                                .answer());
                            }
                        }
                    } catch (RuntimeException e) {
                        out.println("ERROR " + e.getMessage());
                        e.printStackTrace();
                    }
                }
            }
        }

        /** The journal, printing "journal <runId>" after each durable write. */
        static RunJournal announcing(JdbcJournal journal, PrintStream out) {
            return new RunJournal() {
                @Override
                public void append(String runId, String record) {
                    journal.append(runId, record);
                    out.println("journal " + runId);
                }

                @Override
                public List<String> read(String runId) {
                    return journal.read(runId);
                }

                @Override
                public List<String> runIds() {
                    return journal.runIds();
                }

                @Override
                public Lease lease(String runId) {
                    return journal.lease(runId);
                }

                @Override
                public Lease hold(String runId) {
                    return journal.hold(runId);
                }

                @Override
                public java.util.Optional<Lease> takeOrphan(String runId) {
                    return journal.takeOrphan(runId);
                }
            };
        }
    }
}
