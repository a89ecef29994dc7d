package dev.quarry.agent.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agent.error.ConversationStoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on H2, and the database's leases and damaged rows. */
class JdbcConversationStoreTest extends ConversationStoreContract {

    @TempDir
    Path dir;

    private int databases;

    private JdbcDataSource database(String name) {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:file:" + dir.resolve(name) + ";DB_CLOSE_DELAY=0");
        return source;
    }

    @Override
    ConversationStore store() {
        return JdbcConversationStore.of(database("db-" + ++databases));
    }

    @Test
    void twoInstancesOnOneDatabaseRefuseEachOthersRunsUntilTheLeaseLapses() {
        JdbcDataSource db = database("shared");
        Clock start = Clock.fixed(Instant.parse("2026-12-08T10:00:00Z"), ZoneOffset.UTC);
        JdbcConversationStore a = JdbcConversationStore.of(db, "quarry_conversations", Duration.ofMinutes(5), start);
        JdbcConversationStore b = JdbcConversationStore.of(db, "quarry_conversations", Duration.ofMinutes(5), start);
        JdbcConversationStore later = JdbcConversationStore.of(
                db, "quarry_conversations", Duration.ofMinutes(5), Clock.offset(start, Duration.ofMinutes(6)));

        ConversationStore.Lease held = a.lease("s");
        assertThatThrownBy(() -> b.lease("s"))
                .hasMessageContaining("conversation s is already running a task (in an instance sharing table");
        // the holder died without releasing: after the lease time another instance takes the conversation
        try (ConversationStore.Lease taken = later.lease("s")) {
            assertThat(taken).isNotNull();
        }
        held.close();
    }

    @Test
    void aDamagedRowIsAClearErrorNamingTheTable() throws SQLException {
        JdbcDataSource db = database("damaged");
        JdbcConversationStore store = JdbcConversationStore.of(db);
        store.save(Conversation.empty("good").next(EXCHANGE));
        try (Connection connection = db.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO quarry_conversations (conversation_id, revision, body) VALUES"
                    + " ('bad', 3, '{\"format\":\"something-else\"}')");
        }

        assertThatThrownBy(() -> store.load("bad"))
                .isInstanceOf(ConversationStoreException.class)
                .hasMessageContaining("conversation bad in table quarry_conversations")
                .hasMessageContaining("it is not a quarry-conversation document");
        assertThat(store.load("good")).isPresent();
    }

    @Test
    void badTableNamesAndLeaseTimesAreRefused() {
        JdbcDataSource db = database("names");
        assertThatThrownBy(() -> JdbcConversationStore.of(db, "x; DROP TABLE y", Duration.ofMinutes(1)))
                .hasMessageContaining("plain SQL identifier");
        assertThatThrownBy(() -> JdbcConversationStore.of(db, "t", Duration.ZERO))
                .hasMessageContaining("leaseTime must be positive");
    }
}
