package dev.quarry.agent.durable;

import dev.quarry.agent.error.JournalException;
import dev.quarry.agent.error.RunHeldException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RunJournal} in a relational database shared by every instance of an application: one row per
 * record in a table (default {@code quarry_run_journal}) keyed by run id and sequence number, each append its
 * own committed transaction; tested on PostgreSQL (a real server) and H2. Its tables are created and
 * upgraded by versioned migrations ({@link JdbcSchema.Component#journal}) unless {@link Builder#migrate} is
 * off.
 *
 * <p><b>Leases.</b> A run continuing on an instance holds a lease row in {@code <table>_leases}: the
 * instance's id and an expiry that a heartbeat pushes forward (every third of the lease time). Another
 * instance is refused the run while the lease is live ({@link RunHeldException}), so a run never continues in
 * two places; once its instance stops heartbeating (it died, or hung past the lease time), the lease lapses
 * and {@link #takeOrphan} lets exactly one other instance take it over (one conditional {@code UPDATE}
 * decides). An instance that finds its lease taken over (it was paused longer than the lease time) stops
 * writing: its next append fails with a {@link JournalException}, so the two never interleave records.
 */
public final class JdbcJournal implements RunJournal, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcJournal.class);

    private final DataSource dataSource;
    private final String table;
    private final String leases;
    private final Duration leaseTime;
    private final String instanceId;
    private final Clock clock;
    private final RunLocks locks = new RunLocks();
    private final Map<String, Boolean> held = new ConcurrentHashMap<>();
    private final Map<String, String> lost = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat;

    private JdbcJournal(Builder builder) {
        this.dataSource = builder.dataSource;
        this.table = builder.table;
        this.leases = builder.table + "_leases";
        this.leaseTime = builder.leaseTime;
        this.instanceId = builder.instanceId;
        this.clock = builder.clock;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("quarry-journal-heartbeat").factory());
        long period = Math.max(1, leaseTime.toMillis() / 3);
        heartbeat.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /** A journal in the table {@code quarry_run_journal}, migrated to the current schema. */
    public static JdbcJournal of(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /**
     * A journal in {@code table}, migrated to the current schema.
     *
     * @throws IllegalArgumentException for a table name that is not a plain SQL identifier
     * @throws dev.quarry.agent.error.SchemaException when the table cannot be migrated or is newer
     */
    public static JdbcJournal of(DataSource dataSource, String table) {
        return builder(dataSource).table(table).build();
    }

    /** A builder for a journal on {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The journal's table. */
    public String table() {
        return table;
    }

    /**
     * The schema version its tables are at, read from the database (a health check's question).
     *
     * @throws dev.quarry.agent.error.SchemaException when the database cannot be read
     */
    public int schemaVersion() {
        return JdbcSchema.version(dataSource, JdbcSchema.Component.journal(table));
    }

    /** This instance's id in the leases it takes. */
    public String instanceId() {
        return instanceId;
    }

    @Override
    public void append(String runId, String record) {
        String takenBy = lost.get(runId);
        if (takenBy != null) {
            throw new JournalException("run " + runId + " was taken over by instance " + takenBy + " after this"
                    + " instance (" + instanceId + ") stopped renewing its lease; this instance writes no more"
                    + " of it");
        }
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
     * Holds the run for this instance until the lease is closed, refusing at once when another instance (or
     * another thread here) holds a live lease on it.
     *
     * @throws RunHeldException when the run is held elsewhere
     * @throws JournalException when the database cannot be reached
     */
    @Override
    public Lease lease(String runId) {
        return takeLease(runId, false)
                .orElseThrow(() -> new RunHeldException("run " + runId + " is being continued elsewhere: "
                        + holder(runId) + "; a live lease is never taken over"));
    }

    /** A journaled run holds its lease while it runs, so no other instance takes it over. */
    @Override
    public Lease hold(String runId) {
        return lease(runId);
    }

    /** The run, when no live instance holds it (its lease lapsed, or it never had one). */
    @Override
    public Optional<Lease> takeOrphan(String runId) {
        return takeLease(runId, true);
    }

    private Optional<Lease> takeLease(String runId, boolean quiet) {
        if (held.putIfAbsent(runId, Boolean.TRUE) != null) {
            return Optional.empty();
        }
        long now = clock.millis();
        long until = now + leaseTime.toMillis();
        try (Connection connection = dataSource.getConnection()) {
            boolean taken;
            // a lapsed lease, or this instance's own (one it could not release while the database was away)
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + leases
                    + " SET owner = ?, expires_at = ? WHERE run_id = ? AND (expires_at < ? OR owner = ?)")) {
                update.setString(1, instanceId);
                update.setLong(2, until);
                update.setString(3, runId);
                update.setLong(4, now);
                update.setString(5, instanceId);
                taken = update.executeUpdate() == 1;
            }
            if (!taken) {
                taken = insertLease(connection, runId, until);
            }
            if (!taken) {
                held.remove(runId);
                return Optional.empty();
            }
            lost.remove(runId);
            return Optional.of(() -> release(runId));
        } catch (SQLException e) {
            held.remove(runId);
            throw new JournalException(
                    "cannot take the lease of run " + runId + " in " + leases + ": " + e.getMessage(), e);
        }
    }

    /** Inserts the lease row; false when another instance's row is there (a live lease, or one just taken). */
    private boolean insertLease(Connection connection, String runId, long until) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM " + leases + " WHERE run_id = ?")) {
            exists.setString(1, runId);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return false;
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + leases + " (run_id, owner, expires_at) VALUES (?, ?, ?)")) {
            insert.setString(1, runId);
            insert.setString(2, instanceId);
            insert.setLong(3, until);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            // another instance inserted it between the check and the insert: the primary key kept theirs
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            return false;
        }
    }

    private String holder(String runId) {
        if (held.containsKey(runId)) {
            return "this instance (" + instanceId + ") holds it in another thread";
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT owner, expires_at FROM " + leases + " WHERE run_id = ?")) {
            select.setString(1, runId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? "instance " + rows.getString(1) + " holds it until " + Instant.ofEpochMilli(rows.getLong(2))
                        : "its lease was released meanwhile; try again";
            }
        } catch (SQLException e) {
            return "the holder cannot be read (" + e.getMessage() + ")";
        }
    }

    private void release(String runId) {
        held.remove(runId);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM " + leases + " WHERE run_id = ? AND owner = ?")) {
            delete.setString(1, runId);
            delete.setString(2, instanceId);
            delete.executeUpdate();
        } catch (SQLException e) {
            // the lease lapses on its own when this instance stops renewing it
            LOG.warn("cannot release the lease of run {} in {}; it lapses in {}", runId, leases, leaseTime, e);
        }
    }

    /** The heartbeat (also called by tests): pushes the expiry of every lease this instance holds forward; notes those taken over. */
    void renew() {
        if (held.isEmpty()) {
            return;
        }
        long until = clock.millis() + leaseTime.toMillis();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE " + leases + " SET expires_at = ? WHERE run_id = ? AND owner = ?")) {
            for (String runId : held.keySet()) {
                update.setLong(1, until);
                update.setString(2, runId);
                update.setString(3, instanceId);
                if (update.executeUpdate() == 0 && held.containsKey(runId)) {
                    lost.put(runId, "another instance");
                    LOG.warn("the lease of run {} was taken over; this instance stops writing it", runId);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot renew the leases in {}; they lapse {} after the last renewal", leases, leaseTime, e);
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

    /**
     * Stops the heartbeat, waiting for a renewal under way to finish (it is not interrupted: a driver may
     * close its connection when interrupted mid-statement), so the journal touches the database no more once
     * this returns. The leases this instance still holds lapse after the lease time.
     */
    @Override
    public void close() {
        heartbeat.shutdown();
        try {
            if (!heartbeat.awaitTermination(leaseTime.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("a lease renewal in {} did not finish within {}; closing without it", leases, leaseTime);
                heartbeat.shutdownNow();
            }
        } catch (InterruptedException e) {
            heartbeat.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a {@link JdbcJournal}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String table = "quarry_run_journal";
        private boolean migrate = true;
        private Duration leaseTime = Duration.ofSeconds(30);
        private String instanceId = defaultInstanceId();
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        private static String defaultInstanceId() {
            return ManagementFactory.getRuntimeMXBean().getName() + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
        }

        /** The journal's table (default {@code quarry_run_journal}); its leases go in {@code <table>_leases}. */
        public Builder table(String table) {
            this.table = JdbcSchema.identifier(table);
            return this;
        }

        /**
         * Whether opening migrates the tables to the current schema (default true); false only checks that they
         * are at it, for teams that manage their own schema ({@link JdbcSchema.Component#statements()}).
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * How long a lease lives without a heartbeat (default 30 s): how soon another instance may take over
         * the run of an instance that died. A live instance renews its leases every third of it.
         */
        public Builder leaseTime(Duration leaseTime) {
            if (leaseTime == null || leaseTime.compareTo(Duration.ofMillis(300)) < 0) {
                throw new IllegalArgumentException("leaseTime must be at least 300 ms, was " + leaseTime);
            }
            this.leaseTime = leaseTime;
            return this;
        }

        /** This instance's id in leases (default: the JVM's pid@host and a random suffix). */
        public Builder instanceId(String instanceId) {
            if (instanceId == null || instanceId.isBlank() || instanceId.length() > 200) {
                throw new IllegalArgumentException("instanceId must be 1 to 200 characters, was " + instanceId);
            }
            this.instanceId = instanceId;
            return this;
        }

        /** The clock leases are timed by (tests move it). */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The journal, its tables prepared.
         *
         * @throws dev.quarry.agent.error.SchemaException when the tables are at another version (see
         *     {@link #migrate})
         */
        public JdbcJournal build() {
            JdbcSchema.prepare(dataSource, JdbcSchema.Component.journal(table), migrate);
            return new JdbcJournal(this);
        }
    }
}
