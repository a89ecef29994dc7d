package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README's test command is one command on a machine whose default JDK is older than 21: the wrapper
 * finds a JDK 21+ itself. Runs {@code ./mvnw -v} with {@code JAVA_HOME} at an older JDK installed beside it.
 */
class WrapperTest {

    static Optional<Path> olderJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/javac")))
                    .filter(home -> major(home) > 0 && major(home) < 21)
                    .findFirst();
        }
    }

    static int major(Path home) {
        try {
            return Files.readAllLines(home.resolve("release")).stream()
                    .filter(line -> line.startsWith("JAVA_VERSION=\""))
                    .map(line -> line.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0])
                    .mapToInt(Integer::parseInt)
                    .findFirst()
                    .orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Test
    void theWrapperFindsAJdk21ItselfWhenJavaHomeIsOlder() throws Exception {
        Optional<Path> older = olderJdk();
        Assumptions.assumeTrue(older.isPresent(), "SKIPPED: no JDK older than 21 under /usr/lib/jvm to start from");
        Path root = Path.of("..").toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder(root.resolve("mvnw").toString(), "-v")
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", older.get().toString());
        Process wrapper = builder.start();
        String output = new String(wrapper.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(wrapper.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(wrapper.exitValue()).as(output).isZero();
        assertThat(output).contains("Quarry needs JDK 21+").contains("using ");
        assertThat(output).containsPattern("Java version: (2[1-9]|[3-9][0-9])");
    }
}
