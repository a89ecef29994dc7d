package dev.quarry.agent.durable;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/**
 * The JDBC journal's contract on a real PostgreSQL server, started on a free port from the machine's
 * PostgreSQL binaries ({@code .ci/run} installs Debian's package); each test gets its own database.
 */
class PostgresJournalTest extends JdbcJournalContract {

    private String database;

    @BeforeAll
    static void available() {
        PostgresDatabases.assumeAvailable();
    }

    @Override
    DataSource database() {
        database = PostgresDatabases.create("journal");
        return PostgresDatabases.on(database);
    }

    @Override
    DataSource sameDatabase() {
        return PostgresDatabases.on(database);
    }
}
