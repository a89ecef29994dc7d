package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentListener;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.durable.RunJournal;
import dev.quarry.agent.schedule.ApprovalHandler.Decision;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.ConverseBodies;
import dev.quarry.testkit.Turn;
import dev.quarry.tools.EmailTools;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Journaled runs killed with SIGKILL. Each child JVM resumes the run the previous one was killed in, then
 * starts the next run (look two values up, draft an e-mail with their total, send it after approval, answer)
 * and is killed at a seeded random point of it: after its n-th journal write, so kills land in every phase
 * (planning, lookups, drafting, sending, answering). After each kill the next JVM resumes the run, and the
 * test checks: the e-mail reached the SMTP server (GreenMail) exactly once, no step the journal had
 * recorded as finished ran again (the tools count their calls in a file), and the answer is the one an
 * uninterrupted run gives. A send the kill caught between starting and recording its outcome is "in
 * doubt": the resumed run asks the approver (this test, which looks at GreenMail) before sending again.
 */
class KilledRunTest {

    static final int KILLS = 32;
    static final String TO = "boss@example.com";
    static final Pattern RUN = Pattern.compile("Run (\\d+):");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    GreenMail mail;
    BedrockSimulator simulator;

    @BeforeEach
    void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        simulator = BedrockSimulator.builder().script(KilledRunTest::script).start();
    }

    @AfterEach
    void stop() {
        simulator.close();
        mail.stop();
    }

    static String task(int run) {
        return "Run " + run + ": add alpha-" + run + " and beta-" + run + " and mail the total to " + TO;
    }

    static long total(int run) {
        return Simulated.Lookup.value("alpha-" + run) + Simulated.Lookup.value("beta-" + run);
    }

    static String answer(int run) {
        return "Run " + run + ": total " + total(run) + "; mailed.";
    }

    /** The simulated model: look both up, draft the e-mail, send the draft, then answer. */
    static Turn script(JsonNode request) {
        Matcher matcher = RUN.matcher(ConverseBodies.firstUserText(request));
        if (!matcher.find()) {
            throw new IllegalStateException("no run number in the request");
        }
        int run = Integer.parseInt(matcher.group(1));
        Map<String, String> results = ConverseBodies.toolResults(request);
        return switch (ConverseBodies.assistantTurns(request)) {
            case 0 ->
                Turn.toolUse(
                        "",
                        new Turn.ToolUse("a", "lookup", "{\"key\":\"alpha-" + run + "\"}"),
                        new Turn.ToolUse("b", "lookup", "{\"key\":\"beta-" + run + "\"}"));
            case 1 -> {
                long sum = Long.parseLong(results.get("a").strip())
                        + Long.parseLong(results.get("b").strip());
                yield Turn.toolUse(
                        "",
                        new Turn.ToolUse(
                                "d",
                                "draft_email",
                                "{\"to\":[\"" + TO + "\"],\"subject\":\"Run " + run + " total\",\"body\":\"Total: "
                                        + sum + "\"}"));
            }
            case 2 -> {
                Matcher draft = Pattern.compile("(draft-[^\\s]+\\.eml)").matcher(results.get("d"));
                yield draft.find()
                        ? Turn.toolUse(
                                "", new Turn.ToolUse("s", "send_email", "{\"draft\":\"" + draft.group(1) + "\"}"))
                        : Turn.text("Run " + run + ": no draft: " + results.get("d"));
            }
            default -> {
                long sum = Long.parseLong(results.get("a").strip())
                        + Long.parseLong(results.get("b").strip());
                String sent = results.get("s");
                yield Turn.text("Run " + run + ": total " + sum + "; "
                        + (sent.startsWith("Sent ") ? "mailed." : "not mailed: " + sent));
            }
        };
    }

    @Test
    void everyKilledRunResumesInANewJvmWithEachMailSentOnceAndNoFinishedStepRunAgain() throws Exception {
        Random random = new Random(2026);
        int kills = 0;
        int inDoubt = 0;
        Map<String, Integer> phases = new java.util.TreeMap<>();
        java.util.Set<Integer> triggers = new java.util.TreeSet<>();
        int run = 0;
        int writesPerRun = 0;
        String killedRun = null;
        int killedRunNumber = -1;
        Set<String> finishedBeforeKill = Set.of();
        while (kills < KILLS) {
            try (ChildJvm child = new ChildJvm()) {
                if (killedRun != null) {
                    Outcome resumed = child.command("resume " + killedRun, this::decideInDoubt, Integer.MAX_VALUE);
                    inDoubt += resumed.inDoubt();
                    check(killedRunNumber, killedRun, resumed, finishedBeforeKill);
                }
                run++;
                // the first run is not killed: it counts the journal writes of a whole run
                int killAt = writesPerRun == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(writesPerRun - 1);
                Outcome outcome = child.command("run " + run, this::decideInDoubt, killAt);
                if (killAt != Integer.MAX_VALUE) {
                    triggers.add(killAt);
                }
                if (outcome.answer() != null) {
                    check(run, outcome.runId(), outcome, Set.of());
                    writesPerRun = Math.max(writesPerRun, outcome.writes());
                    killedRun = null;
                } else {
                    kills++;
                    child.kill();
                    killedRun = outcome.runId();
                    killedRunNumber = run;
                    finishedBeforeKill = finishedSteps(killedRun);
                    phases.merge(lastRecord(killedRun), 1, Integer::sum);
                }
            }
        }
        try (ChildJvm child = new ChildJvm()) {
            Outcome last = child.command("resume " + killedRun, this::decideInDoubt, Integer.MAX_VALUE);
            check(killedRunNumber, killedRun, last, finishedBeforeKill);
        }
        assertThat(kills).isEqualTo(KILLS);
        assertThat(writesPerRun).as("journal writes of a whole run").isGreaterThan(10);
        // which record a kill lands after depends on timing (the two look-ups race, the kill takes a moment
        // to land); the seeded trigger points are fixed, and they cover the run from its first write to its
        // last but one
        assertThat(triggers).as("seeded kill triggers, by journal write").contains(1, 2, writesPerRun - 1);
        assertThat(triggers.size()).isGreaterThanOrEqualTo(writesPerRun / 2);
        System.out.printf(
                "KilledRunTest: %d runs, %d kills, %d sends in doubt; last journal record before each kill: %s%n",
                run, kills, inDoubt, phases);
    }

    /** The approver of a send in doubt: refuse when GreenMail already has the e-mail, approve when not. */
    private String decideInDoubt(int run) {
        return mailsOf(run) > 0 ? "refuse" : "approve";
    }

    private void check(int run, String runId, Outcome outcome, Set<String> finishedBeforeKill) throws Exception {
        assertThat(mailsOf(run)).as("run %d: mailed exactly once", run).isEqualTo(1);
        Map<String, Integer> calls = toolCalls(runId);
        for (String step : finishedBeforeKill) {
            assertThat(calls.getOrDefault(step, 0))
                    .as("run %d: step %s had finished before the kill and must not run again", run, step)
                    .isEqualTo(1);
        }
        if (outcome.refusedInDoubt()) {
            assertThat(outcome.answer()).startsWith("Run " + run + ": total " + total(run) + "; not mailed:");
        } else {
            assertThat(outcome.answer()).as("run %d", run).isEqualTo(answer(run));
        }
    }

    private int mailsOf(int run) {
        int count = 0;
        for (MimeMessage message : mail.getReceivedMessages()) {
            try {
                if (("Run " + run + " total").equals(message.getSubject())) {
                    count++;
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return count;
    }

    /** Steps the journal recorded as finished. */
    private Set<String> finishedSteps(String runId) throws IOException {
        Set<String> steps = new HashSet<>();
        for (String record : FileJournal.in(dir.resolve("journal")).read(runId)) {
            JsonNode entry = JSON.readTree(record);
            if ("step".equals(entry.path("t").asText())) {
                steps.add(entry.path("step").asText());
            }
        }
        return steps;
    }

    /** The last durable record before a kill: "model", "start s", "step d", a decision... */
    private String lastRecord(String runId) throws IOException {
        List<String> records = FileJournal.in(dir.resolve("journal")).read(runId);
        JsonNode last = JSON.readTree(records.getLast());
        String type = last.path("t").asText();
        return last.has("step") ? type + " " + last.path("step").asText() : type;
    }

    /** How many times each step's tool was called in run {@code runId}, from the tools' own count file. */
    private Map<String, Integer> toolCalls(String runId) throws IOException {
        Map<String, Integer> calls = new java.util.HashMap<>();
        Path counts = dir.resolve("calls.txt");
        if (Files.exists(counts)) {
            for (String line : Files.readAllLines(counts)) {
                String[] parts = line.split(" ");
                if (parts.length == 2 && parts[0].equals(runId)) {
                    calls.merge(parts[1], 1, Integer::sum);
                }
            }
        }
        return calls;
    }

    /** What the parent saw of one command: the run, its journal writes, its answer (null when killed). */
    record Outcome(String runId, int writes, String answer, int inDoubt, boolean refusedInDoubt) {}

    interface InDoubtDecider {
        String decide(int run);
    }

    /** A child JVM running {@link Child}, driven over its standard input and output. */
    final class ChildJvm extends ChildProcess {

        ChildJvm() throws IOException {
            super(
                    Child.class,
                    dir.resolve("child-stderr.txt"),
                    simulator.endpoint().toString(),
                    Integer.toString(mail.getSmtp().getPort()),
                    dir.toString());
        }

        /** Sends a command and follows it until its answer, or kills the child after {@code killAt} writes. */
        Outcome command(String command, InDoubtDecider decider, int killAt) throws IOException {
            in.println(command);
            String runId = null;
            int writes = 0;
            int inDoubt = 0;
            boolean refused = false;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("RUN ")) {
                    runId = line.substring(4);
                } else if (line.startsWith("journal ")) {
                    runId = line.substring(8);
                    writes++;
                    if (writes >= killAt) {
                        return new Outcome(runId, writes, null, inDoubt, refused);
                    }
                } else if (line.startsWith("IN-DOUBT ")) {
                    inDoubt++;
                    String decision = decider.decide(Integer.parseInt(line.substring(9)));
                    refused |= decision.equals("refuse");
                    in.println(decision);
                } else if (line.startsWith("ANSWER ")) {
                    return new Outcome(runId, writes, line.substring(7), inDoubt, refused);
                } else if (line.startsWith("ERROR ")) {
                    throw new AssertionError("the child failed: " + line + "\n" + stderrText());
                }
            }
            throw new AssertionError("the child exited: " + stderrText());
        }
    }

    /**
     * The process under test: an agent on Claude (the simulator) with a file journal, real e-mail tools
     * and a look-up tool. Commands on standard input: {@code run <n>}, {@code resume <runId>}; progress on
     * standard output: {@code RUN id}, {@code journal <runId>} after each durable write, {@code IN-DOUBT <run>}
     * (then it reads approve or refuse), {@code ANSWER text}.
     */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            Path home = Path.of(args[2]);
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            Properties smtp = new Properties();
            smtp.put("mail.smtp.host", "127.0.0.1");
            smtp.put("mail.smtp.port", args[1]);
            EmailTools email = new EmailTools(home.resolve("outbox"), "agent@quarry.dev", smtp);
            FileJournal disk = FileJournal.in(home.resolve("journal"));
            RunJournal journal = new RunJournal() {
                @Override
                public void append(String runId, String record) {
                    disk.append(runId, record);
                    out.println("journal " + runId);
                }

                @Override
                public List<String> read(String runId) {
                    return disk.read(runId);
                }

                @Override
                public List<String> runIds() {
                    return disk.runIds();
                }
            };
            AtomicInteger currentRun = new AtomicInteger();
            try (ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                    .region("us-east-1")
                    .credentials(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(Simulated.ACCESS_KEY_ID, Simulated.SECRET_ACCESS_KEY)))
                    .endpointOverride(URI.create(args[0]))
                    .timeout(Duration.ofSeconds(30))
                    .build()) {
                Agent agent = Agent.builder()
                        .model(claude.chatModel())
                        .journal(journal)
                        .tool(counted(home, lookup()))
                        .tool(counted(home, email.draftEmail()))
                        .tool(counted(home, email.sendEmail()))
                        .listener(new AgentListener() {
                            @Override
                            public void onRunStart(String runId, String task) {
                                out.println("RUN " + runId);
                            }
                        })
                        .approvalHandler(request -> {
                            if (!request.inDoubt()) {
                                return Decision.approve();
                            }
                            out.println("IN-DOUBT " + currentRun.get());
                            String decision;
                            try {
                                decision = commands.readLine();
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                            return "approve".equals(decision)
                                    ? Decision.approve()
                                    : Decision.refuse("the e-mail was already sent");
                        })
                        .build();
                for (String command = commands.readLine(); command != null; command = commands.readLine()) {
                    try {
                        AgentResult result;
                        if (command.startsWith("run ")) {
                            currentRun.set(Integer.parseInt(command.substring(4)));
                            result = agent.run(task(currentRun.get()));
                        } else {
                            String runId = command.substring("resume ".length());
                            String task = journal.read(runId).getFirst();
                            Matcher matcher = RUN.matcher(task);
                            currentRun.set(matcher.find() ? Integer.parseInt(matcher.group(1)) : -1);
                            out.println("RUN " + runId);
                            result = agent.resume(runId);
                        }
                        out.println("ANSWER " + result.answer().replace('\n', ' '));
                    } catch (RuntimeException e) {
                        out.println("ERROR " + e);
                        e.printStackTrace();
                    }
                }
            }
        }

        static Tool lookup() {
            return Tool.of(
                    ToolSpecification.builder()
                            .name("lookup")
                            .description("Looks up the numeric value of a key.")
                            .parameters(JsonObjectSchema.builder()
                                    .addStringProperty("key", "the key")
                                    .required("key")
                                    .build())
                            .build(),
                    ToolPolicy.readOnly(),
                    (arguments, context) -> ToolResult.of(Long.toString(
                            Simulated.Lookup.value(arguments.get("key").asText()))));
        }

        /** The tool, writing "runId stepId" durably to calls.txt each time it is called. */
        static Tool counted(Path home, Tool tool) {
            return Tool.of(tool.specification(), tool.policy(), (arguments, context) -> {
                count(home.resolve("calls.txt"), context);
                return tool.execute(arguments, context);
            });
        }

        private static synchronized void count(Path file, ToolContext context) throws IOException {
            byte[] line = (context.runId() + " " + context.stepId() + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                channel.write(ByteBuffer.wrap(line));
                channel.force(false);
            }
        }
    }
}
