package dev.quarry.agent.durable;

import dev.quarry.agent.error.JournalException;
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
 * A {@link RunJournal} in a relational database, for runs that continue on another machine: one row per
 * record in a table (default {@code quarry_run_journal}) keyed by run id and sequence number. Each append
 * is its own committed transaction. The SQL is portable (tested on H2; PostgreSQL is the production choice,
 * see docs/durable-runs.md); the table is created when missing:
 *
 * <pre>{@code
 * CREATE TABLE quarry_run_journal (
 *     run_id VARCHAR(200) NOT NULL,
 *     seq INTEGER NOT NULL,
 *     entry TEXT NOT NULL,
 *     PRIMARY KEY (run_id, seq))
 * }</pre>
 *
 * <p>Appends of one run from one journal object are serialised (other runs append at the same time); two
 * processes appending to the same run at once is not supported (the primary key turns it into an error, never into a lost record).
 */
public final class JdbcJournal implements RunJournal {

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final String table;
    private final RunLocks locks = new RunLocks();

    private JdbcJournal(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    /** A journal in the table {@code quarry_run_journal}, created when missing. */
    public static JdbcJournal of(DataSource dataSource) {
        return of(dataSource, "quarry_run_journal");
    }

    /**
     * A journal in {@code table}, created when missing.
     *
     * @throws IllegalArgumentException for a table name that is not a plain SQL identifier
     * @throws JournalException when the table cannot be created
     */
    public static JdbcJournal of(DataSource dataSource, String table) {
        Objects.requireNonNull(dataSource, "dataSource");
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a plain SQL identifier, was '" + table + "'");
        }
        JdbcJournal journal = new JdbcJournal(dataSource, table);
        journal.createTable();
        return journal;
    }

    private void createTable() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (run_id VARCHAR(200) NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL,"
                    + " PRIMARY KEY (run_id, seq))");
        } catch (SQLException e) {
            throw new JournalException("cannot create the journal table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void append(String runId, String record) {
        synchronized (locks.of(runId)) {
            insert(runId, record);
        }
    }

    private void insert(String runId, String record) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int next;
                try (PreparedStatement max =
                        connection.prepareStatement("SELECT MAX(seq) FROM " + table + " WHERE run_id = ?")) {
                    max.setString(1, runId);
                    try (ResultSet rows = max.executeQuery()) {
                        rows.next();
                        next = rows.getInt(1) + 1;
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO " + table + " (run_id, seq, entry) VALUES (?, ?, ?)")) {
                    insert.setString(1, runId);
                    insert.setInt(2, next);
                    insert.setString(3, record);
                    insert.executeUpdate();
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new JournalException(
                    "cannot append to the journal of run " + runId + " in " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> read(String runId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT entry FROM " + table + " WHERE run_id = ? ORDER BY seq")) {
            select.setString(1, runId);
            List<String> records = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    records.add(rows.getString(1));
                }
            }
            return records;
        } catch (SQLException e) {
            throw new JournalException(
                    "cannot read the journal of run " + runId + " in " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * Holds the run in this JVM and, with {@code SELECT ... FOR UPDATE} on the run's rows in a transaction
     * kept open until the lease closes, in every process using the database; waits while another holds it
     * (up to the database's lock timeout, after which it fails).
     */
    @Override
    public Lease lease(String runId) {
        Lease local = RunJournal.super.lease(runId);
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            try (PreparedStatement lock =
                    connection.prepareStatement("SELECT seq FROM " + table + " WHERE run_id = ? FOR UPDATE")) {
                lock.setString(1, runId);
                lock.executeQuery().close();
            }
            Connection held = connection;
            return () -> {
                try (held) {
                    held.rollback();
                } catch (SQLException e) {
                    throw new JournalException(
                            "cannot release the lock on run " + runId + " in " + table + ": " + e.getMessage(), e);
                } finally {
                    local.close();
                }
            };
        } catch (SQLException e) {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            local.close();
            throw new JournalException(
                    "cannot lock the journal of run " + runId + " in " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> runIds() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT run_id FROM " + table + " WHERE seq = 1 ORDER BY run_id")) {
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new JournalException("cannot list the runs in " + table + ": " + e.getMessage(), e);
        }
    }
}
