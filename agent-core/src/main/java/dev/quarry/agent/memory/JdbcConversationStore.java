package dev.quarry.agent.memory;

import dev.quarry.agent.error.ConversationBusyException;
import dev.quarry.agent.error.ConversationStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Conversations in a relational database (the one the {@link dev.quarry.agent.durable.JdbcJournal} uses),
 * one row each, so every instance of an application continues any conversation. A run's lease is a row
 * lease (owner and expiry, taken with one conditional {@code UPDATE}): a second run of the conversation, on
 * any instance, is refused while it is held; a lease whose instance died lapses after the lease time. The
 * table is created when missing:
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

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

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

    /** A store in the table {@code quarry_conversations}, leases lapsing after 15 minutes. */
    public static JdbcConversationStore of(DataSource dataSource) {
        return of(dataSource, "quarry_conversations", Duration.ofMinutes(15));
    }

    /**
     * A store in {@code table}, created when missing.
     *
     * @param leaseTime how long a run may hold a conversation before another instance may take it (longer
     *     than the longest run: a live run's lease is never taken before it lapses)
     * @throws IllegalArgumentException for a table name that is not a plain SQL identifier or a lease time
     *     that is not positive
     * @throws ConversationStoreException when the table cannot be created
     */
    public static JdbcConversationStore of(DataSource dataSource, String table, Duration leaseTime) {
        return of(dataSource, table, leaseTime, Clock.systemUTC());
    }

    static JdbcConversationStore of(DataSource dataSource, String table, Duration leaseTime, Clock clock) {
        Objects.requireNonNull(dataSource, "dataSource");
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a plain SQL identifier, was '" + table + "'");
        }
        if (leaseTime == null || leaseTime.isNegative() || leaseTime.isZero()) {
            throw new IllegalArgumentException("leaseTime must be positive, was " + leaseTime);
        }
        JdbcConversationStore store = new JdbcConversationStore(dataSource, table, leaseTime, clock);
        store.createTable();
        return store;
    }

    private void createTable() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (conversation_id VARCHAR(200) NOT NULL PRIMARY KEY, revision BIGINT NOT NULL, body TEXT,"
                    + " lease_owner VARCHAR(100), lease_until BIGINT)");
        } catch (SQLException e) {
            throw new ConversationStoreException(
                    "cannot create the conversation table " + table + ": " + e.getMessage(), e);
        }
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
