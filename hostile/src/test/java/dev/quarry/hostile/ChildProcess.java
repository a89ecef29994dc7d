package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class of this suite on the test's class path, driven over its standard input
 * ({@link #in}) and output ({@link #out}), its standard error in a file; killed with SIGKILL by {@link #kill}.
 */
abstract class ChildProcess implements AutoCloseable {

    final Process process;
    final BufferedReader out;
    final PrintWriter in;
    final Path stderr;

    ChildProcess(Class<?> main, Path stderr, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        this.stderr = stderr;
        this.process =
                new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** What the child wrote on standard error, for a failure's message. */
    String stderrText() throws IOException {
        return Files.readString(stderr);
    }

    /** SIGKILL on Unix: no shutdown hook, no finally block runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Closes its standard input (the child's loop ends) and waits for it, killing it after 30 s. */
    @Override
    public void close() throws Exception {
        in.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
