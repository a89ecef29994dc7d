package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.index.LuceneIndex;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quarry index} progress: a bar with counts and throughput on a terminal, plain lines otherwise. */
class IndexProgressTest {

    @TempDir
    Path work;

    Path corpus() throws Exception {
        Path docs = Files.createDirectories(work.resolve("docs"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(docs.resolve("doc" + i + ".md"), "# Doc " + i + "\n\nTurbine note number " + i + ".");
        }
        return docs;
    }

    @Test
    void onATerminalAProgressBarShowsCountsChunksAndSpeed() throws Exception {
        Path docs = corpus();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        try (LuceneIndex index = LuceneIndex.builder().open()) {
            int documents = IndexCommand.Ingest.folder(
                    index,
                    docs,
                    List.of(),
                    List.of(),
                    new PrintWriter(out, true),
                    new ConsoleProgressBarConsumer(new PrintStream(terminal, true, StandardCharsets.UTF_8)),
                    false);
            assertThat(documents).isEqualTo(20);
        }
        String bar = terminal.toString(StandardCharsets.UTF_8);
        assertThat(bar)
                .contains("Indexing")
                .contains("20/20")
                .contains("20 chunks")
                .contains("docs/s");
        assertThat(out.toString()).doesNotContain("indexed 16/20").contains("20 documents, 20 chunks indexed");
    }

    @Test
    void withoutATerminalEachBatchIsAPlainLine() throws Exception {
        Path docs = corpus();
        StringWriter out = new StringWriter();
        try (LuceneIndex index = LuceneIndex.builder().open()) {
            IndexCommand.Ingest.folder(index, docs, List.of(), List.of(), new PrintWriter(out, true), false);
        }
        assertThat(out.toString().lines())
                .filteredOn(line -> line.startsWith("indexed "))
                .hasSize(2)
                .first()
                .asString()
                .startsWith("indexed 16/20 documents, 16 chunks (");
    }
}
