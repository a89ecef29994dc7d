package dev.quarry.agent.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agent.durable.PostgresDatabases;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The conversation store contract on a real PostgreSQL server, two instances on one database. */
class PostgresConversationStoreTest extends ConversationStoreContract {

    @BeforeAll
    static void available() {
        PostgresDatabases.assumeAvailable();
    }

    @Override
    ConversationStore store() {
        return JdbcConversationStore.of(PostgresDatabases.on(PostgresDatabases.create("conversations")));
    }

    @Test
    void twoInstancesShareConversationsAndRefuseEachOthersRuns() {
        String database = PostgresDatabases.create("conversations");
        DataSource first = PostgresDatabases.on(database);
        DataSource second = PostgresDatabases.on(database);
        JdbcConversationStore a = JdbcConversationStore.of(first);
        JdbcConversationStore b = JdbcConversationStore.of(second, "quarry_conversations", Duration.ofMinutes(15));
        a.save(Conversation.empty("shared").next(EXCHANGE));

        assertThat(b.load("shared").orElseThrow().messages()).isEqualTo(EXCHANGE);
        try (ConversationStore.Lease held = a.lease("shared")) {
            assertThatThrownBy(() -> b.lease("shared")).hasMessageContaining("is already running a task");
        }
    }
}
