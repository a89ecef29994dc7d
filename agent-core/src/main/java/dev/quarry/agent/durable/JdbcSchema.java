package dev.quarry.agent.durable;

import dev.quarry.agent.error.SchemaException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Quarry's tables as versioned migrations: plain SQL statements, portable between PostgreSQL and H2, applied
 * in order and recorded per table in {@code quarry_schema_version} (one row per component: its name and the
 * version it is at). Opening a {@link JdbcJournal} or a {@code JdbcConversationStore} migrates its tables
 * unless told not to; a team that manages its own schema applies {@link Component#statements()} itself
 * (every statement of every version, in order) and opens with {@code migrate(false)}, which only checks the
 * version. Tables at a newer version than this Quarry knows are refused, naming both versions.
 *
 * <p>Plain versioned SQL rather than Flyway: the library owns three small tables, the statements are
 * idempotent ({@code IF NOT EXISTS}), and an application that uses Flyway or Liquibase for its own schema can
 * take the statements into its own migrations without a second migration tool in its classpath.
 */
public final class JdbcSchema {

    /** The table recording each component's version. */
    public static final String VERSION_TABLE = "quarry_schema_version";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,56}");

    private JdbcSchema() {}

    /**
     * A set of tables that migrate together.
     *
     * @param name its row in {@link #VERSION_TABLE}
     * @param table the main table, for messages
     * @param versions the statements of version 1, 2, ... in order
     */
    public record Component(String name, String table, List<List<String>> versions) {
        public Component {
            Objects.requireNonNull(name, "name");
            versions = versions.stream().map(List::copyOf).toList();
        }

        /** The version this Quarry writes. */
        public int latest() {
            return versions.size();
        }

        /** Every statement of every version, in order: what a team managing its own schema applies. */
        public List<String> statements() {
            List<String> all = new ArrayList<>();
            versions.forEach(all::addAll);
            all.add("CREATE TABLE IF NOT EXISTS " + VERSION_TABLE + " (component VARCHAR(200) NOT NULL PRIMARY KEY,"
                    + " version INTEGER NOT NULL)");
            all.add("INSERT INTO " + VERSION_TABLE + " (component, version) VALUES ('" + name + "', " + latest() + ")");
            return all;
        }

        /**
         * The run journal in {@code table} and its leases in {@code <table>_leases}. Version 1 is the table
         * Quarry created before migrations existed; version 2 widens run ids for sub-agents' runs and adds
         * the leases of running runs.
         */
        public static Component journal(String table) {
            String t = identifier(table);
            return new Component(
                    "journal:" + t,
                    t,
                    List.of(
                            List.of("CREATE TABLE IF NOT EXISTS " + t + " (run_id VARCHAR(64) NOT NULL, seq INTEGER"
                                    + " NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (run_id, seq))"),
                            List.of(
                                    "ALTER TABLE " + t + " ALTER COLUMN run_id SET DATA TYPE VARCHAR(200)",
                                    "CREATE TABLE IF NOT EXISTS " + t + "_leases (run_id VARCHAR(200) NOT NULL"
                                            + " PRIMARY KEY, owner VARCHAR(200) NOT NULL, expires_at BIGINT NOT NULL)")));
        }

        /** Conversations in {@code table}, with the lease of the run continuing each. */
        public static Component conversations(String table) {
            String t = identifier(table);
            return new Component(
                    "conversations:" + t,
                    t,
                    List.of(List.of("CREATE TABLE IF NOT EXISTS " + t + " (conversation_id VARCHAR(200) NOT NULL"
                            + " PRIMARY KEY, revision BIGINT NOT NULL, body TEXT, lease_owner VARCHAR(100),"
                            + " lease_until BIGINT)")));
        }
    }

    /**
     * A table name that is a plain SQL identifier.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String identifier(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a plain SQL identifier, was '" + table + "'");
        }
        return table;
    }

    /**
     * Brings the component's tables to its latest version (when {@code migrate}) or checks that they are at
     * it. Safe when several instances start at once: each version is applied in a transaction that also moves
     * the recorded version on, and an instance that loses the race reads the version again.
     *
     * @throws SchemaException when the tables are at a newer version, or older and {@code migrate} is false,
     *     or a migration fails
     */
    public static void prepare(DataSource dataSource, Component component, boolean migrate) {
        try (Connection connection = dataSource.getConnection()) {
            if (migrate) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + VERSION_TABLE
                            + " (component VARCHAR(200) NOT NULL PRIMARY KEY, version INTEGER NOT NULL)");
                }
            }
            for (int attempt = 0; attempt < 10; attempt++) {
                int current = version(connection, component);
                if (current > component.latest()) {
                    throw new SchemaException("table " + component.table() + " is at schema version " + current
                            + ", written by a newer Quarry; this Quarry knows versions up to " + component.latest()
                            + ": upgrade Quarry, or use another table");
                }
                if (current == component.latest()) {
                    return;
                }
                if (!migrate) {
                    throw new SchemaException("table " + component.table() + " is at schema version " + current
                            + " and this Quarry needs version " + component.latest() + ": apply the statements"
                            + " of JdbcSchema.Component " + component.name() + " (docs/durable-runs.md#the-schema),"
                            + " or let Quarry migrate (migrate(true))");
                }
                apply(connection, component, current);
            }
            throw new SchemaException("table " + component.table() + " could not be migrated: other instances kept"
                    + " changing its version");
        } catch (SQLException e) {
            throw new SchemaException(
                    "cannot prepare table " + component.table() + " (" + component.name() + "): " + e.getMessage(), e);
        }
    }

    /**
     * The version the component's tables are at (0 when Quarry has not prepared them).
     *
     * @throws SchemaException when the database cannot be read
     */
    public static int version(DataSource dataSource, Component component) {
        try (Connection connection = dataSource.getConnection()) {
            return version(connection, component);
        } catch (SQLException e) {
            throw new SchemaException(
                    "cannot read the schema version of table " + component.table() + ": " + e.getMessage(), e);
        }
    }

    /** The recorded version; 0 when there is none (or no version table yet). */
    private static int version(Connection connection, Component component) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT version FROM " + VERSION_TABLE + " WHERE component = ?")) {
            select.setString(1, component.name());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        } catch (SQLException e) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            // no version table: a database Quarry has not prepared, or one a team manages without it
            return 0;
        }
    }

    private static void apply(Connection connection, Component component, int current) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : component.versions().get(current)) {
                statement.execute(sql);
            }
            int moved;
            if (current == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO " + VERSION_TABLE + " (component, version) VALUES (?, 1)")) {
                    insert.setString(1, component.name());
                    moved = insert.executeUpdate();
                }
            } else {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE " + VERSION_TABLE + " SET version = ? WHERE component = ? AND version = ?")) {
                    update.setInt(1, current + 1);
                    update.setString(2, component.name());
                    update.setInt(3, current);
                    moved = update.executeUpdate();
                }
            }
            if (moved == 1) {
                connection.commit();
            } else {
                connection.rollback();
            }
        } catch (SQLException e) {
            // another instance applied the same version at the same moment (a duplicate key, a lock): read the
            // version again; a real failure repeats and is reported with the statement's error
            connection.rollback();
            if (version(connection, component) == current) {
                throw e;
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
