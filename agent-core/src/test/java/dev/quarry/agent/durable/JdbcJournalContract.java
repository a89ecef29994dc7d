package dev.quarry.agent.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agent.error.JournalException;
import dev.quarry.agent.error.RunHeldException;
import dev.quarry.agent.error.SchemaException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** What the JDBC journal does on every database it supports; each subclass gives a fresh, empty database. */
abstract class JdbcJournalContract {

    /** A fresh, empty database. */
    abstract DataSource database();

    /** The same database as the last {@link #database()}, through another data source (another "instance"). */
    abstract DataSource sameDatabase();

    static final Instant T0 = Instant.parse("2026-12-08T10:00:00Z");

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(T0);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }
    }

    private JdbcJournal journal(DataSource source, String instance, Clock clock) {
        return JdbcJournal.builder(source)
                .instanceId(instance)
                .leaseTime(Duration.ofMinutes(1))
                .clock(clock)
                .build();
    }

    @Test
    void recordsComeBackInOrderFromAnotherInstance() throws Exception {
        try (JdbcJournal journal = JdbcJournal.of(database())) {
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
            journal.append("other.s1", "{\"x\":\"ü\"}");
        }
        try (JdbcJournal reopened = JdbcJournal.of(sameDatabase())) {
            assertThat(reopened.read("run-0")).hasSize(20);
            assertThat(reopened.read("run-1")).hasSize(20).doesNotHaveDuplicates();
            assertThat(reopened.read("other.s1")).containsExactly("{\"x\":\"ü\"}");
            assertThat(reopened.read("none")).isEmpty();
            assertThat(reopened.runIds()).containsExactly("other.s1", "run-0", "run-1");
        }
    }

    @Test
    void aLiveLeaseIsNeverTakenAndALapsedOneIsTakenByExactlyOneInstance() throws Exception {
        // instance a's clock stands still (its heartbeat renews to T0 + 1 min); the others' moves
        Clock still = Clock.fixed(T0, ZoneOffset.UTC);
        MovableClock clock = new MovableClock();
        try (JdbcJournal a = journal(database(), "instance-a", still);
                JdbcJournal b = journal(sameDatabase(), "instance-b", clock);
                JdbcJournal c = journal(sameDatabase(), "instance-c", clock)) {
            a.append("r1", "{\"t\":\"run\"}");
            RunJournal.Lease held = a.hold("r1");

            assertThatThrownBy(() -> b.lease("r1"))
                    .isInstanceOf(RunHeldException.class)
                    .hasMessageContaining("run r1 is being continued elsewhere: instance instance-a holds it until");
            assertThat(b.takeOrphan("r1")).isEmpty();
            assertThat(a.takeOrphan("r1"))
                    .as("not even by another thread of its holder")
                    .isEmpty();
            clock.advance(Duration.ofSeconds(59));
            assertThat(c.takeOrphan("r1")).isEmpty();

            // instance a stops heartbeating (its clock moved past the lease): b and c race, one wins
            clock.advance(Duration.ofSeconds(2));
            List<RunJournal.Lease> taken = new ArrayList<>();
            b.takeOrphan("r1").ifPresent(taken::add);
            c.takeOrphan("r1").ifPresent(taken::add);
            assertThat(taken).hasSize(1);
            taken.getFirst().close();
            held.close();
            assertThat(b.takeOrphan("r1")).as("released, it is free again").isPresent();
        }
    }

    @Test
    void anInstanceWhoseLeaseWasTakenOverWritesNoMore() throws Exception {
        Clock still = Clock.fixed(T0, ZoneOffset.UTC);
        MovableClock clock = new MovableClock();
        try (JdbcJournal a = JdbcJournal.builder(database())
                        .instanceId("slow-a")
                        .leaseTime(Duration.ofMillis(300))
                        .clock(still)
                        .build();
                JdbcJournal b = journal(sameDatabase(), "instance-b", clock)) {
            a.append("r2", "{\"t\":\"run\"}");
            RunJournal.Lease stale = a.hold("r2");
            clock.advance(Duration.ofHours(1));
            try (RunJournal.Lease takenOver = b.takeOrphan("r2").orElseThrow()) {
                b.append("r2", "{\"t\":\"model\"}");
                // a's next heartbeat finds the lease gone; its next append is refused
                a.renew();
                assertThatThrownBy(() -> a.append("r2", "{\"t\":\"late\"}"))
                        .isInstanceOf(JournalException.class)
                        .hasMessageContaining("run r2 was taken over by instance another instance after this"
                                + " instance (slow-a) stopped renewing its lease");
                assertThat(b.read("r2")).hasSize(2);
            }
            stale.close();
        }
    }

    @Test
    void aTableWrittenByANewerQuarryIsRefusedNamingTheVersions() throws SQLException {
        DataSource source = database();
        JdbcJournal.of(source).close();
        try (Connection connection = source.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "UPDATE quarry_schema_version SET version = 9 WHERE component = 'journal:quarry_run_journal'");
        }
        assertThatThrownBy(() -> JdbcJournal.of(source))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("table quarry_run_journal is at schema version 9, written by a newer Quarry;"
                        + " this Quarry knows versions up to 2");
    }

    @Test
    void aJournalOfTheFirstSchemaIsUpgradedAndTeamsManagingTheirSchemaAreChecked() throws SQLException {
        DataSource source = database();
        try (Connection connection = source.getConnection();
                Statement statement = connection.createStatement()) {
            // the table as Quarry created it before migrations, with a run in it
            statement.execute("CREATE TABLE quarry_run_journal (run_id VARCHAR(64) NOT NULL, seq INTEGER NOT NULL,"
                    + " entry TEXT NOT NULL, PRIMARY KEY (run_id, seq))");
            statement.execute("INSERT INTO quarry_run_journal VALUES ('old-run', 1, '{\"t\":\"run\"}')");
        }
        assertThatThrownBy(() -> JdbcJournal.builder(source).migrate(false).build())
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("is at schema version 0 and this Quarry needs version 2");

        try (JdbcJournal journal = JdbcJournal.of(source)) {
            assertThat(journal.read("old-run")).containsExactly("{\"t\":\"run\"}");
            String longId = "parent-run." + "s".repeat(150);
            journal.append(longId, "{}");
            assertThat(journal.read(longId)).hasSize(1);
        }
        try (JdbcJournal checked =
                JdbcJournal.builder(sameDatabase()).migrate(false).build()) {
            assertThat(checked.read("old-run")).hasSize(1);
        }
    }

    @Test
    void theStatementsForTeamsManagingTheirOwnSchemaMakeAJournalQuarryAccepts() throws SQLException {
        DataSource source = database();
        try (Connection connection = source.getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : JdbcSchema.Component.journal("team_journal").statements()) {
                statement.execute(sql);
            }
        }
        try (JdbcJournal journal =
                JdbcJournal.builder(source).table("team_journal").migrate(false).build()) {
            journal.append("r", "{}");
            assertThat(journal.read("r")).hasSize(1);
        }
    }

    @Test
    void aTableNameThatIsNotAnIdentifierIsRefused() {
        assertThatThrownBy(() -> JdbcJournal.of(database(), "x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain SQL identifier");
    }
}
