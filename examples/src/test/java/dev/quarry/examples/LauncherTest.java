package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./quarry} launcher: a normal run prints its output and nothing on standard error. */
class LauncherTest {

    @TempDir
    Path work;

    record Ran(int exit, String out, String err) {}

    static Ran launch(Path work, String... args) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> command =
                new java.util.ArrayList<>(List.of(root.resolve("quarry").toString()));
        command.addAll(List.of(args));
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        Process process = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Ran(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void aNormalRunIsQuietOnStandardErrorAndVerboseBringsTheLogsBack() throws Exception {
        Path docs = Files.createDirectories(work.resolve("docs"));
        Files.writeString(docs.resolve("turbines.md"), "# Turbines\n\nGas turbines compress air before combustion.");
        // relative paths resolve against where the user stands, not the repository
        Ran index = launch(work, "index", "docs", "--index", "idx");
        assertThat(index.exit()).as(index.err()).isZero();
        assertThat(index.err()).isEmpty();
        Ran search = launch(work, "search", "turbines compress", "--index", "idx");
        assertThat(search.exit()).as(search.err()).isZero();
        assertThat(search.out()).contains("[turbines.md#0[");
        assertThat(search.err()).isEmpty();
        Ran verbose = launch(work, "search", "turbines compress", "--index", "idx", "--verbose");
        assertThat(verbose.exit()).isZero();
        assertThat(verbose.err()).isNotEmpty();
    }
}
