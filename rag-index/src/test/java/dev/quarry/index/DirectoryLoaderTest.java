package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLoaderTest {

    @TempDir
    Path root;

    @Test
    void loadsEachFormatAndReportsBadFilesWhileGoingOn() throws IOException {
        Files.writeString(root.resolve("notes.txt"), "Plain notes about turbines.");
        Files.createDirectories(root.resolve("guide"));
        Files.writeString(root.resolve("guide/intro.md"), "# Intro\n\nMarkdown text stays verbatim.");
        Files.writeString(
                root.resolve("page.html"),
                "<html><head><title>The Page</title><script>var x=1;</script></head>"
                        + "<body><h1>Heading</h1><p>Visible paragraph.</p></body></html>");
        writePdf(root.resolve("paper.pdf"), "Portable document text");
        Files.write(root.resolve("binary.txt"), new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0xFE});
        Files.writeString(root.resolve("empty.md"), "   \n");
        Files.writeString(root.resolve("broken.pdf"), "this is not a pdf");
        Files.writeString(root.resolve("ignored.csv"), "a,b");

        LoadReport report = DirectoryLoader.builder(root).build().load();

        assertThat(report.documents())
                .extracting(Document::id)
                .containsExactly("guide/intro.md", "notes.txt", "page.html", "paper.pdf");
        Document html = report.documents().get(2);
        assertThat(html.title()).isEqualTo("The Page");
        assertThat(html.text())
                .contains("Heading")
                .contains("Visible paragraph.")
                .doesNotContain("var x");
        assertThat(report.documents().get(0).text()).isEqualTo("# Intro\n\nMarkdown text stays verbatim.");
        assertThat(report.documents().get(3).text()).contains("Portable document text");
        assertThat(report.documents().get(1).metadata()).containsEntry("format", "text");

        assertThat(report.failures())
                .extracting(f -> f.file().getFileName().toString())
                .containsExactlyInAnyOrder("binary.txt", "empty.md", "broken.pdf");
        assertThat(report.failures())
                .extracting(LoadReport.Failure::reason)
                .anyMatch(r -> r.contains("UTF-8"))
                .anyMatch(r -> r.contains("no text"))
                .anyMatch(r -> r.contains("not a readable PDF"));
    }

    @Test
    void includeAndExcludeGlobsSelectFiles() throws IOException {
        Files.createDirectories(root.resolve("a/drafts"));
        Files.writeString(root.resolve("a/one.md"), "one");
        Files.writeString(root.resolve("a/drafts/two.md"), "two");
        Files.writeString(root.resolve("three.txt"), "three");

        LoadReport report = DirectoryLoader.builder(root)
                .include("**.md")
                .exclude("**/drafts/**")
                .build()
                .load();

        assertThat(report.documents()).extracting(Document::id).containsExactly("a/one.md");
    }

    @Test
    void refusesFilesOverTheSizeLimit() throws IOException {
        Files.writeString(root.resolve("big.txt"), "x".repeat(2000), StandardCharsets.UTF_8);
        LoadReport report = DirectoryLoader.builder(root)
                .loader(new DocumentLoader(1000))
                .build()
                .load();
        assertThat(report.documents()).isEmpty();
        assertThat(report.failures().getFirst().reason()).contains("over the limit of 1000 bytes");
    }

    private static void writePdf(Path file, String text) throws IOException {
        try (PDDocument pdf = new PDDocument()) {
            PDPage page = new PDPage();
            pdf.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(pdf, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                content.showText(text);
                content.endText();
            }
            pdf.save(file.toFile());
        }
    }

    /**
     * An unreadable sub-folder is a per-file failure and the walk goes on. Root reads every folder, so as
     * root the walk runs in a child JVM stripped of the capabilities that let root bypass permissions
     * ({@code setpriv}); as any other user it runs here.
     */
    @Test
    void anUnreadableFolderIsReportedAndTheWalkGoesOn(@TempDir Path folder) throws Exception {
        java.nio.file.Files.writeString(folder.resolve("readable.md"), "# Readable\n\nFine.");
        Path locked = java.nio.file.Files.createDirectories(folder.resolve("locked"));
        java.nio.file.Files.writeString(locked.resolve("secret.md"), "hidden");
        java.nio.file.Files.setPosixFilePermissions(locked, java.util.Set.of());
        try {
            String report = "root".equals(System.getProperty("user.name"))
                    ? UnreadableFolderProbe.runWithoutRootsPowers(folder)
                    : UnreadableFolderProbe.describe(
                            DirectoryLoader.builder(folder).build().load());
            org.assertj.core.api.Assertions.assertThat(report)
                    .contains("document readable.md")
                    .contains("failure " + locked + ": cannot read: permission denied")
                    .doesNotContain("secret.md");
        } finally {
            java.nio.file.Files.setPosixFilePermissions(
                    locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }
}
