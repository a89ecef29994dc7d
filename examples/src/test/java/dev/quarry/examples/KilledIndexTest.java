package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.index.LuceneIndex;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quarry index} killed with SIGKILL part-way keeps what it had committed (every 128 documents). */
class KilledIndexTest {

    @TempDir
    Path work;

    @Test
    void aKilledIndexRunKeepsItsCommittedProgress() throws Exception {
        Path docs = Files.createDirectories(work.resolve("docs"));
        for (int i = 0; i < 400; i++) {
            Files.writeString(docs.resolve("note-" + i + ".md"), "# Note " + i + "\n\nPayload number " + i + ".");
        }
        Path index = work.resolve("index");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Quarry.class.getName(),
                        "index",
                        docs.toString(),
                        "--index",
                        index.toString(),
                        "--bm25-only")
                .redirectErrorStream(true)
                .start();
        String killedAfter = null;
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                // the commit at 128 documents is made before this line is printed
                if (line.startsWith("indexed 144/")) {
                    killedAfter = line;
                    break;
                }
            }
            child.destroyForcibly(); // SIGKILL on Unix
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(killedAfter).as("the child reported its progress").isNotNull();
        try (LuceneIndex reopened = LuceneIndex.builder().path(index).readOnly().open()) {
            assertThat(reopened.stats().documents()).isBetween(IndexCommand.Ingest.COMMIT_EVERY, 400);
        }
    }
}
