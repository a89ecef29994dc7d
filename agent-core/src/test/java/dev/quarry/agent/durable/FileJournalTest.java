package dev.quarry.agent.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agent.error.JournalException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {

    @TempDir
    Path dir;

    @Test
    void recordsComeBackInOrderPerRunAndSurviveANewInstance() {
        FileJournal journal = FileJournal.in(dir);
        journal.append("run-1", "{\"a\":1}");
        journal.append("run-2", "{\"b\":\"ü\"}");
        journal.append("run-1", "{\"a\":2}");

        FileJournal reopened = FileJournal.in(dir);
        assertThat(reopened.read("run-1")).containsExactly("{\"a\":1}", "{\"a\":2}");
        assertThat(reopened.read("run-2")).containsExactly("{\"b\":\"ü\"}");
        assertThat(reopened.read("unknown")).isEmpty();
        assertThat(reopened.runIds()).containsExactlyInAnyOrder("run-1", "run-2");
    }

    @Test
    void aTornTailIsLeftOutAndCutOffBeforeTheNextAppend() throws Exception {
        FileJournal journal = FileJournal.in(dir);
        journal.append("r", "{\"n\":1}");
        journal.append("r", "{\"n\":2}");
        Path file = dir.resolve("r.journal");
        byte[] whole = Files.readAllBytes(file);
        for (int cut = whole.length - 1; cut > whole.length - 20; cut--) {
            Files.write(file, java.util.Arrays.copyOf(whole, cut));
            assertThat(FileJournal.in(dir).read("r")).as("cut at %d", cut).containsExactly("{\"n\":1}");
        }
        Files.write(file, "0000000".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);

        FileJournal afterCrash = FileJournal.in(dir);
        afterCrash.append("r", "{\"n\":3}");

        assertThat(afterCrash.read("r")).containsExactly("{\"n\":1}", "{\"n\":3}");
    }

    @Test
    void zeroesLeftByTheFileSystemAtTheTailAreATornWrite() throws Exception {
        FileJournal journal = FileJournal.in(dir);
        journal.append("r", "{\"n\":1}");
        Files.write(dir.resolve("r.journal"), new byte[64], StandardOpenOption.APPEND);

        assertThat(FileJournal.in(dir).read("r")).containsExactly("{\"n\":1}");
    }

    @Test
    void aDamagedRecordWithMoreAfterItIsAnErrorNotAWrongReplay() throws Exception {
        FileJournal journal = FileJournal.in(dir);
        journal.append("r", "{\"n\":1}");
        journal.append("r", "{\"n\":2}");
        Path file = dir.resolve("r.journal");
        String text = Files.readString(file);
        Files.writeString(file, text.replaceFirst("\"n\":1", "\"n\":7"));

        assertThatThrownBy(() -> FileJournal.in(dir).read("r"))
                .isInstanceOf(JournalException.class)
                .hasMessageContaining("record 1")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("damaged");
    }

    @Test
    void runIdsThatCouldEscapeTheFolderAreRefused() {
        FileJournal journal = FileJournal.in(dir);
        for (String bad : List.of("../x", "a/b", "", ".", "..", ".hidden", "x".repeat(201))) {
            assertThatThrownBy(() -> journal.append(bad, "{}"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("run id");
        }
        journal.append("abc.p1-1", "{}"); // a sub-agent's run id: its parent's, a dot and the step id
        assertThat(journal.read("abc.p1-1")).containsExactly("{}");
    }
}
