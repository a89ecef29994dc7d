package dev.quarry.index;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Loads a folder and prints what came of it; run in a child JVM that cannot bypass file permissions. */
public final class UnreadableFolderProbe {

    public static void main(String[] args) {
        System.out.print(
                describe(DirectoryLoader.builder(Path.of(args[0])).build().load()));
    }

    static String describe(LoadReport report) {
        StringBuilder out = new StringBuilder();
        report.documents().forEach(d -> out.append("document ").append(d.id()).append('\n'));
        report.failures()
                .forEach(f -> out.append("failure ")
                        .append(f.file())
                        .append(": ")
                        .append(f.reason())
                        .append('\n'));
        return out.toString();
    }

    /** Runs {@link #main} as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (util-linux setpriv). */
    static String runWithoutRootsPowers(Path folder) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(List.of(
                        "setpriv",
                        "--inh-caps=-dac_override,-dac_read_search",
                        "--bounding-set=-dac_override,-dac_read_search",
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        UnreadableFolderProbe.class.getName(),
                        folder.toString()))
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 0) {
            throw new IllegalStateException("the probe failed: " + output);
        }
        return output;
    }
}
