package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.index.Chunker;
import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM ingesting into one index is killed with SIGKILL 20 times, at a seeded random point each time
 * (mid-batch, just after a commit, during a commit); after each kill the index reopens at its last commit,
 * with every committed document whole and no document of the unfinished batch.
 */
class KilledWriterTest {

    static final int KILLS = 20;

    @TempDir
    Path dir;

    @Test
    void everyKillLeavesTheLastCommitReadableAndNoPartialDocument() throws Exception {
        Random random = new Random(20);
        int committedDocuments = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            int killAfterUpserts = 1 + random.nextInt(3 * Child.BATCH);
            int seenCommitted = runAndKill(killAfterUpserts);
            try (LuceneIndex reopened =
                    LuceneIndex.builder().path(dir).chunker(Child.CHUNKER).open()) {
                LuceneIndex.Stats stats = reopened.stats();
                assertThat(stats.documents() % Child.BATCH)
                        .as("kill %d: whole batches only", kill)
                        .isZero();
                assertThat(stats.chunks())
                        .as("kill %d: every document whole", kill)
                        .isEqualTo(stats.documents() * Child.CHUNKS_PER_DOC);
                assertThat(stats.documents())
                        .as("kill %d: nothing committed is lost", kill)
                        .isGreaterThanOrEqualTo(Math.max(committedDocuments, seenCommitted));
                if (stats.documents() > 0) {
                    assertThat(reopened.search(
                                    SearchRequest.builder("payload").k(3).build()))
                            .isNotEmpty();
                }
                committedDocuments = stats.documents();
            }
        }
        assertThat(committedDocuments).as("the index grew across the kills").isGreaterThan(0);
    }

    /** Starts a writer, kills it after it reports {@code upserts} upserts; returns documents it saw committed. */
    private int runAndKill(int upserts) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), Child.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .start();
        int committed = 0;
        int seen = 0;
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null && seen < upserts; line = out.readLine()) {
                if (line.startsWith("upserted")) {
                    seen++;
                } else if (line.startsWith("committed ")) {
                    committed = Integer.parseInt(line.substring("committed ".length()));
                }
            }
            child.destroyForcibly(); // SIGKILL on Unix
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return committed;
    }

    /** Continues the index where it stands: batches of documents, a commit after each, reporting progress. */
    public static final class Child {
        static final int BATCH = 25;
        static final int CHUNKS_PER_DOC = 3;
        static final Chunker CHUNKER = new Chunker(60, 0);
        static final String TEXT = "First payload sentence here, a bit long. Second payload sentence here, long"
                + " too. Third payload sentence, also long enough.";

        public static void main(String[] args) {
            try (LuceneIndex index = LuceneIndex.builder()
                    .path(Path.of(args[0]))
                    .chunker(CHUNKER)
                    .open()) {
                int documents = index.stats().documents();
                for (int n = documents; ; n++) {
                    index.upsert(Document.of("doc-" + n, TEXT));
                    System.out.println("upserted " + n);
                    if ((n + 1) % BATCH == 0) {
                        index.commit();
                        System.out.println("committed " + (n + 1));
                    }
                    System.out.flush();
                }
            }
        }
    }
}
