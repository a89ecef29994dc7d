package dev.quarry.agent.durable;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quarry.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL server for the test JVM (started on first use from the machine's binaries, stopped when
 * the JVM exits) and a fresh database on it per test. Tests on it are skipped, saying why, on a machine
 * without PostgreSQL; {@code .ci/run} installs Debian's package so CI runs them.
 */
public final class PostgresDatabases {

    private static LocalPostgres server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private PostgresDatabases() {}

    /** Skips the calling test class when this machine has no PostgreSQL server binaries. */
    public static void assumeAvailable() {
        assumeTrue(
                LocalPostgres.binaries().isPresent(),
                "no PostgreSQL server binaries here (install the Debian package postgresql); skipped");
    }

    private static synchronized LocalPostgres server() {
        if (server == null) {
            assumeAvailable();
            server = LocalPostgres.start();
            LocalPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server;
    }

    /** A new, empty database; its name is {@code <prefix>_<n>}. */
    public static String create(String prefix) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setUrl(server().jdbcUrl());
        try (Connection connection = admin.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return name;
    }

    /** A data source on database {@code name} (a new one each call, as another instance would have). */
    public static DataSource on(String name) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(server().jdbcUrl().replace("/postgres?", "/" + name + "?"));
        return source;
    }
}
