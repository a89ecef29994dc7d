package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agent.Agent;
import dev.quarry.index.DirectoryLoader;
import dev.quarry.index.Document;
import dev.quarry.index.DocumentLoader;
import dev.quarry.index.LoadReport;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchRequest;
import dev.quarry.testkit.ScriptedChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile input from users and files: clear errors, never a crash, nothing good lost alongside. */
class BadInputTest {

    @Test
    void emptyAndHugeTasksAreRefusedWithTheLimit() {
        Agent agent = Agent.builder().model(ScriptedChatModel.turns()).build();
        assertThatThrownBy(() -> agent.run("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> agent.run("x".repeat(Agent.MAX_TASK_CHARS + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(Agent.MAX_TASK_CHARS));
    }

    @Test
    void queriesWithLuceneSyntaxAndControlCharactersAreSearchedAsText() {
        try (LuceneIndex index = LuceneIndex.builder().open()) {
            index.upsert(Document.of("d", "The title field AND the turbine blades: inspect them [daily]."));
            index.commit();
            for (String query : new String[] {
                "title:(turbine AND",
                "\"unbalanced quote turbine",
                "turbine^99 OR [a TO z] ~~ */?",
                "turbine\u0000\u0007\u001b[2J",
                "\\",
                "((((((((((turbine",
                "-",
                "turbine".repeat(1000)
            }) {
                assertThat(index.search(SearchRequest.of(query)))
                        .as("query %s", query.length() > 40 ? query.substring(0, 40) : query)
                        .allSatisfy(hit -> assertThat(hit.documentId()).isEqualTo("d"));
            }
            assertThat(index.search(SearchRequest.of("title:(turbine AND"))).hasSize(1);
            assertThatThrownBy(() -> index.search(SearchRequest.builder("title:(turbine AND")
                            .querySyntax(true)
                            .build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid query syntax");
        }
    }

    @Test
    void binaryEmptyEnormousBrokenAndOutsideFilesAreReportedAndTheRestLoads(@TempDir Path root, @TempDir Path outside)
            throws Exception {
        Files.writeString(root.resolve("good.md"), "# Good\n\nA readable document about turbines.");
        Files.write(root.resolve("binary.txt"), new byte[] {'a', 0, 1, 2, (byte) 0xff, 0, 'b'});
        Files.writeString(root.resolve("empty.md"), "");
        Files.writeString(root.resolve("huge.txt"), "turbine ".repeat(200_000));
        Files.writeString(root.resolve("broken.pdf"), "%PDF-1.7 this is not really a PDF");
        Files.writeString(outside.resolve("secret.txt"), "outside the root");
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("secret.txt"));
        Path sub = Files.createDirectories(root.resolve("sub"));
        Files.createSymbolicLink(sub.resolve("inside-link.md"), root.resolve("good.md"));

        LoadReport report = DirectoryLoader.builder(root)
                .loader(new DocumentLoader(1_000_000))
                .build()
                .load();

        assertThat(report.documents())
                .extracting(Document::id)
                .containsExactlyInAnyOrder("good.md", "sub/inside-link.md");
        Map<String, String> failures = new java.util.HashMap<>();
        report.failures().forEach(f -> failures.put(root.relativize(f.file()).toString(), f.reason()));
        assertThat(failures).containsOnlyKeys("binary.txt", "empty.md", "huge.txt", "broken.pdf", "link.txt");
        assertThat(failures.get("link.txt")).contains("outside the folder");
        assertThat(failures.values()).allSatisfy(reason -> assertThat(reason).isNotBlank());
        assertThat(report.documents()).noneMatch(d -> d.text().contains("outside the root"));
    }
}
