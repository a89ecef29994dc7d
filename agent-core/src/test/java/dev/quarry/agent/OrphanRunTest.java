package dev.quarry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.quarry.agent.durable.JdbcJournal;
import dev.quarry.agent.durable.PostgresDatabases;
import dev.quarry.agent.durable.RunJournal;
import dev.quarry.agent.error.LimitExceededException;
import dev.quarry.agent.error.RunHeldException;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs left by an instance that stopped, taken over by another sharing the journal on PostgreSQL: exactly
 * once, without repeating a finished step, and never while a live instance holds them.
 */
class OrphanRunTest {

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /**
     * {@code journal} as a process that dies after writing {@code records} records of a run sees it: nothing
     * after them reaches the database (the run goes on in memory, as a dying process's last moments do).
     */
    static RunJournal dyingAfter(JdbcJournal journal, int records) {
        Map<String, AtomicInteger> written = new ConcurrentHashMap<>();
        return new RunJournal() {
            @Override
            public void append(String runId, String record) {
                if (written.computeIfAbsent(runId, k -> new AtomicInteger()).incrementAndGet() <= records) {
                    journal.append(runId, record);
                }
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
            public Lease hold(String runId) {
                return journal.hold(runId);
            }
        };
    }

    @BeforeAll
    static void available() {
        PostgresDatabases.assumeAvailable();
    }

    /** An agent on {@code journal} whose model looks a and b up, then answers. */
    Agent agent(RunJournal journal) {
        return Agent.builder()
                .model(ScriptedChatModel.replying(request -> {
                    List<ToolExecutionResultMessage> results = request.messages().stream()
                            .filter(m -> m instanceof ToolExecutionResultMessage)
                            .map(m -> (ToolExecutionResultMessage) m)
                            .toList();
                    if (results.isEmpty()) {
                        return ScriptedChatModel.toolCalls(
                                ScriptedChatModel.call("c1", "lookup", "{\"q\":\"a\"}"),
                                ScriptedChatModel.call("c2", "lookup", "{\"q\":\"b\"}"));
                    }
                    return AiMessage.from("done: " + results.get(0).text() + ", "
                            + results.get(1).text());
                }))
                .journal(journal)
                .approvalHandler(ApprovalHandler.approveAll())
                .tool(TestTools.tool("lookup", ToolPolicy.readOnly(), args -> {
                    calls.computeIfAbsent(args.get("q").asText(), k -> new AtomicInteger())
                            .incrementAndGet();
                    return ToolResult.of("found " + args.get("q").asText());
                }))
                .build();
    }

    @Test
    void anOrphanedRunIsResumedByExactlyOneOtherInstanceWithoutRepeatingItsSteps() {
        String database = PostgresDatabases.create("orphans");
        try (JdbcJournal a = JdbcJournal.builder(PostgresDatabases.on(database))
                        .instanceId("a")
                        .build();
                JdbcJournal b = JdbcJournal.builder(PostgresDatabases.on(database))
                        .instanceId("b")
                        .build();
                JdbcJournal c = JdbcJournal.builder(PostgresDatabases.on(database))
                        .instanceId("c")
                        .build()) {
            // the process "dies" after the run record, the model's plan and both look-ups' start and outcome
            agent(dyingAfter(a, 6)).run("look up a and b");
            calls.clear();
            String runId = a.runIds().getFirst();

            List<AgentResult> byB = agent(b).resumeOrphans();
            List<AgentResult> byC = agent(c).resumeOrphans();

            assertThat(byB).singleElement().satisfies(result -> {
                assertThat(result.runId()).isEqualTo(runId);
                assertThat(result.answer()).isEqualTo("done: found a, found b");
            });
            assertThat(byC).as("the run answered: nothing left to take").isEmpty();
            assertThat(calls)
                    .as("the look-ups had finished: the resumed run does not repeat them")
                    .isEmpty();
        }
    }

    @Test
    void aRunALiveInstanceHoldsIsNeverTakenAndAFailedRunIsNoOrphan() {
        String database = PostgresDatabases.create("orphans");
        DataSource source = PostgresDatabases.on(database);
        try (JdbcJournal a = JdbcJournal.builder(source).instanceId("a").build();
                JdbcJournal b = JdbcJournal.builder(PostgresDatabases.on(database))
                        .instanceId("b")
                        .build()) {
            agent(dyingAfter(a, 6)).run("look up a and b");
            String runId = a.runIds().getFirst();
            try (RunJournal.Lease live = a.hold(runId)) {
                assertThat(agent(b).resumeOrphans()).isEmpty();
                assertThatThrownBy(() -> agent(b).resume(runId))
                        .isInstanceOf(RunHeldException.class)
                        .hasMessageContaining("instance a holds it until");
            }

            Agent limited = Agent.builder()
                    .model(ScriptedChatModel.replying(request -> ScriptedChatModel.toolCalls(
                            ScriptedChatModel.call("x" + request.messages().size(), "lookup", "{\"q\":\"again\"}"))))
                    .journal(a)
                    .limits(new Limits(2, 16, 1_000_000, java.time.Duration.ofMinutes(1)))
                    .tool(TestTools.tool("lookup", ToolPolicy.readOnly(), args -> ToolResult.of("x")))
                    .build();
            assertThatThrownBy(() -> limited.run("loop")).isInstanceOf(LimitExceededException.class);
            List<AgentResult> taken = agent(b).resumeOrphans();
            assertThat(taken).extracting(AgentResult::runId).containsExactly(runId);
        }
    }
}
