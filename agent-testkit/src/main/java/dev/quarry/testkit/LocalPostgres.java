package dev.quarry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, started from the machine's PostgreSQL binaries (Debian's
 * {@code postgresql} package: {@code /usr/lib/postgresql/<version>/bin}, or the folder in
 * {@code QUARRY_POSTGRES_BIN}) in a fresh data folder on a free loopback port, and stopped (its folder
 * deleted) on {@link #close()}. It trusts local connections as user {@code quarry}; nothing listens beyond
 * 127.0.0.1. PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
 * {@code postgres} system user (through {@code runuser}), as the package sets it up.
 *
 * <pre>{@code
 * try (LocalPostgres postgres = LocalPostgres.start()) {
 *     PGSimpleDataSource source = new PGSimpleDataSource();
 *     source.setUrl(postgres.jdbcUrl());
 *     ...
 * }
 * }</pre>
 */
public final class LocalPostgres implements AutoCloseable {

    /** The database user the server trusts. */
    public static final String USER = "quarry";

    private final Path bin;
    private final Path home;
    private final int port;
    private final boolean asPostgres;

    private LocalPostgres(Path bin, Path home, int port, boolean asPostgres) {
        this.bin = bin;
        this.home = home;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** The folder holding {@code initdb}, {@code pg_ctl} and {@code postgres}, when this machine has one. */
    public static Optional<Path> binaries() {
        String configured = System.getenv("QUARRY_POSTGRES_BIN");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(LocalPostgres::complete);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(LocalPostgres::complete)
                    .max(Comparator.comparing(
                            p -> versionOf(p.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(String name) {
        return name.matches("\\d+") ? Integer.parseInt(name) : 0;
    }

    private static boolean complete(Path bin) {
        return Stream.of("initdb", "pg_ctl", "postgres").allMatch(tool -> Files.isExecutable(bin.resolve(tool)));
    }

    /**
     * Initialises a data folder and starts the server, waiting until it accepts connections.
     *
     * @throws IllegalStateException when this machine has no PostgreSQL binaries (install Debian's
     *     {@code postgresql}, or set {@code QUARRY_POSTGRES_BIN}) or the server does not start (its log is
     *     quoted)
     */
    public static LocalPostgres start() {
        Path bin = binaries()
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries: install the Debian"
                        + " package postgresql, or set QUARRY_POSTGRES_BIN to a folder with initdb, pg_ctl and"
                        + " postgres"));
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path home = Files.createTempDirectory("quarry-postgres-");
            LocalPostgres server = new LocalPostgres(bin, home, freePort(), root);
            if (root) {
                server.run(List.of("chown", "postgres:postgres", home.toString()), false);
            }
            server.run(
                    List.of(
                            bin.resolve("initdb").toString(),
                            "-D",
                            home.resolve("data").toString(),
                            "-U",
                            USER,
                            "--auth=trust",
                            "--encoding=UTF8",
                            "--no-sync"),
                    true);
            server.run(
                    List.of(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            home.resolve("data").toString(),
                            "-l",
                            home.resolve("server.log").toString(),
                            "-w",
                            "-t",
                            "60",
                            "-o",
                            "-p " + server.port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off"
                                    + " -c max_connections=200",
                            "start"),
                    true);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL", e);
        }
    }

    private void run(List<String> command, boolean asServerUser) throws IOException {
        List<String> full = new ArrayList<>();
        if (asServerUser && asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("quarry-postgres-command", ".txt");
        try {
            Process process = new ProcessBuilder(full)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish in 120 s");
            }
            if (process.exitValue() != 0) {
                String log =
                        Files.exists(home.resolve("server.log")) ? Files.readString(home.resolve("server.log")) : "";
                throw new IllegalStateException(String.join(" ", full) + " failed (" + process.exitValue() + "): "
                        + Files.readString(output) + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + full.getFirst(), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres?user=quarry}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + USER;
    }

    /** Stops the server (fast shutdown) and deletes its data folder. */
    @Override
    public void close() {
        try {
            run(
                    List.of(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            home.resolve("data").toString(),
                            "-m",
                            "fast",
                            "-w",
                            "stop"),
                    true);
        } catch (IOException | IllegalStateException e) {
            // the server may already be gone; the folder is removed either way
        } finally {
            deleteTree(home);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing a test for
        }
    }
}
