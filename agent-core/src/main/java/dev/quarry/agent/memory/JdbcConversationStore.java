package dev.quarry.agent.memory;

import dev.quarry.agent.durable.JdbcSchema;
import dev.quarry.agent.error.ConversationBusyException;
import dev.quarry.agent.error.ConversationStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Conversations in a relational database (the one the {@link dev.quarry.agent.durable.JdbcJournal} uses),
 * one row each, so every instance of an application continues any conversation. A run's lease is a row
 * lease (owner and expiry, taken with one conditional {@code UPDATE}): a second run of the conversation, on
 * any instance, is refused while it is held; a lease whose instance died lapses after the lease time. The
 * table is created and upgraded by Quarry's versioned migrations ({@link JdbcSchema}):
 *
 * <pre>{@code
 * CREATE TABLE quarry_conversations (
 *     conversation_id VARCHAR(200) NOT NULL PRIMARY KEY,
 *     revision BIGINT NOT NULL,
 *     body TEXT,
 *     lease_owner VARCHAR(100),
 *     lease_until BIGINT)
 * }</pre>
 */
public final class JdbcConversationStore implements ConversationStore {

    private final DataSource dataSource;
    private final String table;
    private final Duration leaseTime;
    private final Clock clock;

    private JdbcConversationStore(DataSource dataSource, String table, Duration leaseTime, Clock clock) {
        this.dataSource = dataSource;
        this.table = table;
        this.leaseTime = leaseTime;
        this.clock = clock;
    }

    /** A store in the table {@code quarry_conversations}, migrated, leases lapsing after 15 minutes. */
    public static JdbcConversationStore of(DataSource dataSource) {
        return of(dataSource, "quarry_conversations", Duration.ofMinutes(15));
    }

    /** A store in {@code table}, migrated to the current schema; see {@link #of(DataSource, String, Duration, boolean)}. */
    public static JdbcConversationStore of(DataSource dataSource, String table, Duration leaseTime) {
        return of(dataSource, table, leaseTime, true);
    }

    /**
     * A store in {@code table}.
     *
     * @param leaseTime how long a run may hold a conversation before another instance may take it (longer
     *     than the longest run: a live run's lease is never taken before it lapses)
     * @param migrate whether the table is created or upgraded by Quarry's migrations ({@link
     *     JdbcSchema.Component#conversations}); false only checks its version, for teams managing their schema
     * @throws IllegalArgumentException for a table name that is not a plain SQL identifier or a lease time
     *     that is not positive
     * @throws dev.quarry.agent.error.SchemaException when the table is at another schema version
     */
    public static JdbcConversationStore of(DataSource dataSource, String table, Duration leaseTime, boolean migrate) {
        return of(dataSource, table, leaseTime, migrate, Clock.systemUTC());
    }

    static JdbcConversationStore of(DataSource dataSource, String table, Duration leaseTime, Clock clock) {
        return of(dataSource, table, leaseTime, true, clock);
    }

    private static JdbcConversationStore of(
            DataSource dataSource, String table, Duration leaseTime, boolean migrate, Clock clock) {
        Objects.requireNonNull(dataSource, "dataSource");
        JdbcSchema.identifier(table);
        if (leaseTime == null || leaseTime.isNegative() || leaseTime.isZero()) {
            throw new IllegalArgumentException("leaseTime must be positive, was " + leaseTime);
        }
        JdbcSchema.prepare(dataSource, JdbcSchema.Component.conversations(table), migrate);
        return new JdbcConversationStore(dataSource, table, leaseTime, clock);
    }

    @Override
    public Optional<Conversation> load(String id) {
        ConversationIds.check(id);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT body FROM " + table + " WHERE conversation_id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next() || rows.getString(1) == null) {
                    return Optional.empty();
                }
                return Optional.of(ConversationCodec.decode(id, rows.getString(1), "table " + table));
            }
        } catch (SQLException e) {
            throw failed("read", id, e);
        }
    }

    @Override
    public void save(Conversation conversation) {
        try (Connection connection = dataSource.getConnection()) {
            ensureRow(connection, conversation.id());
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE " + table + " SET revision = ?, body = ? WHERE conversation_id = ? AND revision = ?")) {
                update.setLong(1, conversation.revision());
                update.setString(2, ConversationCodec.encode(conversation));
                update.setString(3, conversation.id());
                update.setLong(4, conversation.revision() - 1);
                if (update.executeUpdate() == 0) {
                    throw Leases.savedMeanwhile(
                            conversation.id(), storedRevision(connection, conversation.id()), conversation.revision());
                }
            }
        } catch (SQLException e) {
            throw failed("write", conversation.id(), e);
        }
    }

    private long storedRevision(Connection connection, String id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT revision FROM " + table + " WHERE conversation_id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private boolean rowExists(Connection connection, String id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT 1 FROM " + table + " WHERE conversation_id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Makes sure the conversation has a row (revision 0, no body) for leases and conditional saves. */
    private void ensureRow(Connection connection, String id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (conversation_id, revision) SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM " + table
                + " WHERE conversation_id = ?)")) {
            insert.setString(1, id);
            insert.setString(2, id);
            insert.executeUpdate();
        } catch (SQLException e) {
            // two instances inserted the row at once: the primary key kept one, which is all that is needed
            if (!rowExists(connection, id)) {
                throw e;
            }
        }
    }

    @Override
    public void delete(String id) {
        ConversationIds.check(id);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM " + table + " WHERE conversation_id = ?")) {
            delete.setString(1, id);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw failed("delete", id, e);
        }
    }

    @Override
    public Lease lease(String id) {
        ConversationIds.check(id);
        String owner = UUID.randomUUID().toString();
        long now = clock.millis();
        try (Connection connection = dataSource.getConnection()) {
            ensureRow(connection, id);
            try (PreparedStatement take = connection.prepareStatement("UPDATE " + table
                    + " SET lease_owner = ?, lease_until = ? WHERE conversation_id = ?"
                    + " AND (lease_owner IS NULL OR lease_until < ?)")) {
                take.setString(1, owner);
                take.setLong(2, now + leaseTime.toMillis());
                take.setString(3, id);
                take.setLong(4, now);
                if (take.executeUpdate() == 0) {
                    throw new ConversationBusyException(Leases.busy(id, "an instance sharing table " + table));
                }
            }
        } catch (SQLException e) {
            throw failed("lease", id, e);
        }
        return () -> release(id, owner);
    }

    private void release(String id, String owner) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement free = connection.prepareStatement(
                        "UPDATE " + table
                                + " SET lease_owner = NULL, lease_until = NULL WHERE conversation_id = ? AND lease_owner = ?")) {
            free.setString(1, id);
            free.setString(2, owner);
            free.executeUpdate();
        } catch (SQLException e) {
            throw failed("release the lease on", id, e);
        }
    }

    private ConversationStoreException failed(String what, String id, SQLException e) {
        return new ConversationStoreException(
                "cannot " + what + " conversation " + id + " in table " + table + ": " + e.getMessage(), e);
    }
}
