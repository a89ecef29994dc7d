package dev.quarry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML timeline that {@code quarry ask --trace} writes in headless Chromium, takes a screenshot
 * and checks that the browser drew one bar per span, in the span's colour: model calls purple, steps green.
 * Skipped, with a message saying why, only where no Chromium is installed ({@code .ci/run} installs the
 * Debian package {@code chromium}).
 */
class TraceScreenshotTest {

    static final int MODEL_COLOUR = 0x6b5bd6;
    static final int STEP_COLOUR = 0x2b9d6a;

    @TempDir
    Path work;

    @Test
    void chromiumRendersTheTimelineWithAxisLanesAndDetails() throws Exception {
        Path browser = chromium().orElse(null);
        Assumptions.assumeTrue(
                browser != null,
                "SKIPPED: no Chromium on PATH; install the Debian package 'chromium' to run the screenshot test");

        Path docs = Files.createDirectories(work.resolve("docs"));
        Files.writeString(docs.resolve("turbines.md"), "# Turbines\n\nGas turbines compress air before combustion.");
        Files.writeString(docs.resolve("wings.md"), "# Wings\n\nSwept wings delay shock waves at transonic speed.");
        Path index = work.resolve("index");
        Path trace = work.resolve("trace.html");
        assertThat(QuarryCliTest.quarry("index", docs.toString(), "--index", index.toString(), "--bm25-only")
                        .exit())
                .isZero();
        assertThat(QuarryCliTest.quarry(
                                "ask",
                                "What do gas turbines compress, and what do swept wings delay?",
                                "--index",
                                index.toString(),
                                "--bm25-only",
                                "--model",
                                "offline",
                                "--trace",
                                trace.toString())
                        .exit())
                .isZero();
        String html = Files.readString(trace);
        int modelSpans = count(html, "class=\"bar model");
        int stepSpans = count(html, "class=\"bar step");
        int modelLanes = count(html, "data-lane=\"model\"");
        int stepLanes = count(html, "data-lane=\"step\"");
        assertThat(modelSpans).isEqualTo(2);
        assertThat(stepSpans).isGreaterThanOrEqualTo(2);
        assertThat(modelLanes).as("the two model calls ran one after the other").isEqualTo(1);
        assertThat(stepLanes).as("the parallel searches need a lane each").isGreaterThanOrEqualTo(2);

        // what the browser built from the page, as a person would read it
        Process dump = new ProcessBuilder(
                        browser.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--dump-dom",
                        trace.toUri().toString())
                .redirectError(work.resolve("chromium-dom.log").toFile())
                .start();
        String dom = new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(dump.waitFor(90, TimeUnit.SECONDS)).as("Chromium finished").isTrue();
        assertThat(dom).contains("class=\"tick\"").contains(" ms</span>");
        assertThat(dom).contains("first answer token").contains("tokens ").contains("critical path");
        assertThat(count(dom, "<tr data-span=")).isEqualTo(modelSpans + stepSpans);
        assertThat(dom).contains("arguments=").contains("inputTokens=");

        Path png = work.resolve("trace.png");
        Process chrome = new ProcessBuilder(
                        browser.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                        "--window-size=1200,600",
                        "--screenshot=" + png,
                        trace.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("chromium.log").toFile())
                .start();
        assertThat(chrome.waitFor(90, TimeUnit.SECONDS)).as("Chromium finished").isTrue();
        assertThat(png)
                .as("screenshot written; log: %s", Files.readString(work.resolve("chromium.log")))
                .exists();

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        // the lanes start right of the 260 px labels; the legend above them ends further left
        assertThat(bands(image, MODEL_COLOUR)).as("purple model-call lanes").isEqualTo(modelLanes);
        assertThat(bands(image, STEP_COLOUR)).as("green step lanes").isEqualTo(stepLanes);
    }

    /** Runs of consecutive pixel rows that hold the colour right of the labels: one per drawn bar. */
    static int bands(BufferedImage image, int colour) {
        int bands = 0;
        boolean inside = false;
        for (int y = 0; y < image.getHeight(); y++) {
            boolean found = false;
            for (int x = 320; x < image.getWidth() - 20 && !found; x++) {
                found = close(image.getRGB(x, y) & 0xffffff, colour);
            }
            if (found && !inside) {
                bands++;
            }
            inside = found;
        }
        return bands;
    }

    private static boolean close(int rgb, int colour) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((colour >> shift) & 0xff)) > 6) {
                return false;
            }
        }
        return true;
    }

    private static int count(String text, String needle) {
        Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static Optional<Path> chromium() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .flatMap(dir -> Stream.of("chromium", "chromium-browser", "google-chrome")
                        .map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
