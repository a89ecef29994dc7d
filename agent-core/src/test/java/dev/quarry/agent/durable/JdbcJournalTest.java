package dev.quarry.agent.durable;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC journal's contract on H2 (an embedded database, for tests and single-process use). */
class JdbcJournalTest extends JdbcJournalContract {

    @TempDir
    Path dir;

    private int databases;

    @Override
    DataSource database() {
        databases++;
        return sameDatabase();
    }

    @Override
    DataSource sameDatabase() {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:file:" + dir.resolve("journal-" + databases) + ";DB_CLOSE_DELAY=0");
        return source;
    }
}
