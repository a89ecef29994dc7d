package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer process killed with SIGKILL mid-ingest leaves the last commit readable, with no partial document. */
class CrashSafetyTest {

    @TempDir
    Path dir;

    @Test
    void killedWriterLeavesLastCommitIntact() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        IngestingChild.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        int lastCommitted = -1;
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("committed ")) {
                    lastCommitted = Integer.parseInt(line.substring("committed ".length()));
                    if (lastCommitted >= 3) {
                        break; // the child keeps writing an uncommitted batch right now
                    }
                }
            }
            child.destroyForcibly(); // SIGKILL on Unix
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastCommitted).isGreaterThanOrEqualTo(3);

        try (LuceneIndex reopened =
                LuceneIndex.builder().path(dir).chunker(IngestingChild.CHUNKER).open()) {
            LuceneIndex.Stats stats = reopened.stats();
            assertThat(stats.documents() % IngestingChild.BATCH).isZero();
            assertThat(stats.documents()).isGreaterThanOrEqualTo((lastCommitted + 1) * IngestingChild.BATCH);
            assertThat(stats.chunks()).isEqualTo(stats.documents() * IngestingChild.CHUNKS_PER_DOC);
            List<Hit> hits =
                    reopened.search(SearchRequest.builder("payload").k(5).build());
            assertThat(hits).isNotEmpty();
        }
    }

    /** Writes batches of documents forever, committing after each batch and printing the batch number. */
    public static final class IngestingChild {
        static final int BATCH = 50;
        static final int CHUNKS_PER_DOC = 3;
        static final Chunker CHUNKER = new Chunker(60, 0);

        public static void main(String[] args) {
            String sentence = "Payload sentence number one. ";
            String text = "First payload sentence here, a bit long. Second payload sentence here, long too. "
                    + "Third payload sentence, also long enough.";
            assertThreeChunks(text);
            try (LuceneIndex index = LuceneIndex.builder()
                    .path(Path.of(args[0]))
                    .chunker(CHUNKER)
                    .open()) {
                for (int batch = 0; ; batch++) {
                    for (int i = 0; i < BATCH; i++) {
                        index.upsert(Document.of("doc-" + batch + "-" + i, text + " " + sentence.substring(0, 0)));
                    }
                    index.commit();
                    System.out.println("committed " + batch);
                    System.out.flush();
                }
            }
        }

        private static void assertThreeChunks(String text) {
            int chunks = CHUNKER.chunk(Document.of("x", text)).size();
            if (chunks != CHUNKS_PER_DOC) {
                throw new IllegalStateException("test text makes " + chunks + " chunks");
            }
        }
    }
}
