package dev.quarry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.quarry.agent.durable.JdbcJournal;
import dev.quarry.agent.error.JournalException;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's database goes away in the middle of a run, and comes back. */
class LostDatabaseTest {

    @TempDir
    Path dir;

    /** A data source that refuses connections while {@code down}. */
    static final class Unplugged implements DataSource {
        final DataSource database;
        final AtomicBoolean down = new AtomicBoolean();

        Unplugged(DataSource database) {
            this.database = database;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down.get()) {
                throw new SQLException("Connection refused: the database is unreachable");
            }
            return database.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    @Test
    void aLostConnectionFailsTheRunWithAJournalErrorAndTheRunResumesWhenItIsBack() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("journal") + ";DB_CLOSE_DELAY=0");
        Unplugged database = new Unplugged(h2);
        AtomicInteger sends = new AtomicInteger();
        AtomicBoolean unplugOnce = new AtomicBoolean(true);
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            List<ToolExecutionResultMessage> results = request.messages().stream()
                    .filter(m -> m instanceof ToolExecutionResultMessage)
                    .map(m -> (ToolExecutionResultMessage) m)
                    .toList();
            if (results.isEmpty()) {
                return ScriptedChatModel.toolCalls(ScriptedChatModel.call("c1", "lookup", "{\"q\":\"a\"}"));
            }
            if (results.size() == 1) {
                if (unplugOnce.getAndSet(false)) {
                    database.down.set(true); // the database goes away while the model writes its next turn
                }
                return ScriptedChatModel.toolCalls(ScriptedChatModel.call("c2", "send", "{\"q\":\"report\"}"));
            }
            return AiMessage.from("sent " + results.getLast().text());
        });
        try (JdbcJournal journal = JdbcJournal.of(database)) {
            Agent agent = Agent.builder()
                    .model(model)
                    .journal(journal)
                    .approvalHandler(dev.quarry.agent.schedule.ApprovalHandler.approveAll())
                    .tool(TestTools.tool("lookup", ToolPolicy.readOnly(), args -> ToolResult.of("found a")))
                    .tool(TestTools.tool("send", ToolPolicy.sideEffects(), args -> {
                        sends.incrementAndGet();
                        return ToolResult.of("report");
                    }))
                    .build();

            assertThatThrownBy(() -> agent.run("look a up and send the report"))
                    .isInstanceOf(JournalException.class)
                    .hasMessageContaining("the database is unreachable")
                    .satisfies(e -> assertThat(((JournalException) e).partial(AgentResult.class))
                            .isPresent());
            assertThat(sends).as("nothing unjournaled has a side effect").hasValue(0);

            database.down.set(false);
            String runId = journal.runIds().getFirst();
            AgentResult resumed = agent.resume(runId);

            assertThat(resumed.answer()).isEqualTo("sent report");
            assertThat(sends).hasValue(1);
            assertThat(journal.read(runId)).last().asString().contains("\"t\":\"end\"");
        }
    }
}
