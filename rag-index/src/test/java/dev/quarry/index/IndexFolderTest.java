package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index never deletes or breaks on a user's files, and a reader never creates an index. */
class IndexFolderTest {

    @TempDir
    Path dir;

    static Map<String, String> contents(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path p : entries.toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    Path userFolder(String... names) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("site"));
        for (String name : names) {
            Files.writeString(folder.resolve(name), "the user's " + name);
        }
        return folder;
    }

    @Test
    void aFolderOfTheUsersFilesIsRefusedAndLeftAsItWas() throws IOException {
        Path site = userFolder("_config.yml", "_todo.txt", "notes.md", "_index.md", "_app.js");
        Map<String, String> before = contents(site);
        assertThatThrownBy(() -> LuceneIndex.builder().path(site).open())
                .isInstanceOf(IndexException.class)
                .hasMessageContaining("is not empty and holds no Quarry index")
                .hasMessageContaining("_app.js");
        assertThatThrownBy(() -> LuceneIndex.builder().path(site).readOnly().open())
                .isInstanceOf(IndexException.class);
        assertThat(contents(site)).isEqualTo(before);
    }

    @Test
    void aFileNamedLikeACommitIsNamedInTheError() throws IOException {
        Path site = userFolder("segments_notes.txt");
        assertThatThrownBy(() -> LuceneIndex.builder().path(site).open())
                .isInstanceOf(IndexException.class)
                .hasMessageContaining("segments_notes.txt")
                .hasMessageNotContaining("radix");
        assertThat(contents(site)).containsOnlyKeys("segments_notes.txt");
    }

    @Test
    void aReaderNeverCreatesAnIndex() {
        Path absent = dir.resolve("absent");
        assertThatThrownBy(() -> LuceneIndex.builder().path(absent).readOnly().open())
                .isInstanceOf(IndexException.class)
                .hasMessageContaining("no index at");
        assertThat(absent).doesNotExist();
        assertThat(LuceneIndex.exists(absent)).isFalse();
    }

    @Test
    void aNewIndexIsMarkedAndAnOlderUnmarkedOneIsRecognisedAndMarked() throws IOException {
        Path index = dir.resolve("index");
        try (LuceneIndex opened = LuceneIndex.builder().path(index).open()) {
            opened.upsert(new Document("a", "alpha", "A", "", Map.of()));
            opened.commit();
        }
        assertThat(index.resolve(IndexFolder.MARKER)).exists();
        assertThat(LuceneIndex.exists(index)).isTrue();

        Files.delete(index.resolve(IndexFolder.MARKER)); // as written before the marker existed
        assertThat(LuceneIndex.exists(index)).isTrue();
        try (LuceneIndex reader = LuceneIndex.builder().path(index).readOnly().open()) {
            assertThat(reader.stats().documents()).isEqualTo(1);
        }
        try (LuceneIndex writer = LuceneIndex.builder().path(index).open()) {
            assertThat(writer.stats().documents()).isEqualTo(1);
        }
        assertThat(index.resolve(IndexFolder.MARKER)).exists();
    }

    @Test
    void readersOpenBesideTheWriterWithoutItsLock() {
        Path index = dir.resolve("shared");
        try (LuceneIndex writer = LuceneIndex.builder().path(index).open()) {
            writer.upsert(new Document("a", "alpha beta", "A", "", Map.of()));
            writer.commit();
            try (LuceneIndex first =
                            LuceneIndex.builder().path(index).readOnly().open();
                    LuceneIndex second =
                            LuceneIndex.builder().path(index).readOnly().open()) {
                assertThat(first.search(SearchRequest.of("alpha"))).hasSize(1);
                assertThat(second.search(SearchRequest.of("beta"))).hasSize(1);
            }
        }
    }

    @Test
    void aFileIsNotAFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("index.txt"), "not a folder");
        assertThatThrownBy(() -> LuceneIndex.builder().path(file).open())
                .isInstanceOf(IndexException.class)
                .hasMessageContaining("is a file, not a folder");
    }
}
