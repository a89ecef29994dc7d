package dev.quarry.agent.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC journal on a real engine (H2, file database), reopened as a new process would. */
class JdbcJournalTest {

    @TempDir
    Path dir;

    private JdbcDataSource database() {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:file:" + dir.resolve("journal") + ";DB_CLOSE_DELAY=0");
        return source;
    }

    @Test
    void recordsComeBackInOrderFromANewConnection() throws Exception {
        JdbcJournal journal = JdbcJournal.of(database());
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            List<Future<?>> appends = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                appends.add(threads.submit(() -> journal.append("run-" + (n % 2), "{\"n\":" + n + "}")));
            }
            for (Future<?> append : appends) {
                append.get();
            }
        }
        journal.append("other", "{\"x\":\"ü\"}");

        JdbcJournal reopened = JdbcJournal.of(database());
        assertThat(reopened.read("run-0")).hasSize(20);
        assertThat(reopened.read("run-1")).hasSize(20).doesNotHaveDuplicates();
        assertThat(reopened.read("other")).containsExactly("{\"x\":\"ü\"}");
        assertThat(reopened.read("none")).isEmpty();
        assertThat(reopened.runIds()).containsExactly("other", "run-0", "run-1");
    }

    @Test
    void aLeaseLocksTheRunsRowsForAnotherProcessUntilItIsClosed() throws Exception {
        JdbcJournal journal = JdbcJournal.of(database());
        journal.append("run-1", "{\"t\":\"start\"}");
        JdbcDataSource other = database();
        other.setURL(other.getURL() + ";LOCK_TIMEOUT=200");
        String forUpdate = "SELECT seq FROM quarry_run_journal WHERE run_id = 'run-1' FOR UPDATE";
        try (RunJournal.Lease lease = journal.lease("run-1");
                Connection connection = other.getConnection()) {
            journal.append("run-1", "{\"t\":\"decision\"}");
            connection.setAutoCommit(false);
            assertThatThrownBy(() -> connection.createStatement().executeQuery(forUpdate))
                    .as("another process cannot take the run while the lease holds it")
                    .isInstanceOf(SQLException.class);
            connection.rollback();
        }
        try (Connection connection = other.getConnection()) {
            connection.setAutoCommit(false);
            assertThat(connection.createStatement().executeQuery(forUpdate).next())
                    .isTrue();
            connection.rollback();
        }
        assertThat(journal.read("run-1")).hasSize(2);
    }

    @Test
    void aTableNameThatIsNotAnIdentifierIsRefused() {
        assertThatThrownBy(() -> JdbcJournal.of(database(), "x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain SQL identifier");
    }
}
