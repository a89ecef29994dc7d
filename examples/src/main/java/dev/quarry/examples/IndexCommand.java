package dev.quarry.examples;

import dev.quarry.index.DirectoryLoader;
import dev.quarry.index.Document;
import dev.quarry.index.LoadReport;
import dev.quarry.index.LuceneIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quarry index [dir]}: loads every supported file under a folder into the index. */
@Command(
        mixinStandardHelpOptions = true,
        name = "index",
        description = "Index the text, Markdown, HTML and PDF files under a folder.")
final class IndexCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            arity = "0..1",
            defaultValue = "docs",
            description = "folder to index (default: ${DEFAULT-VALUE})")
    Path folder;

    @Option(names = "--include", description = "glob of files to include, e.g. '**.md' (repeatable)")
    List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", description = "glob of files to skip (repeatable)")
    List<String> excludes = new ArrayList<>();

    @Option(
            names = "--prune",
            description = "remove from the index every document that is not in this folder any more"
                    + " (deleted or renamed files); use it when the index holds this folder alone")
    boolean prune;

    @Mixin
    IndexOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (LuceneIndex index = options.open()) {
            ProgressBarConsumer bar = System.console() != null ? new ConsoleProgressBarConsumer(System.err) : null;
            return Ingest.folder(index, folder, includes, excludes, out, bar, prune) > 0 ? 0 : 1;
        }
    }

    /**
     * Loading and indexing with progress, shared with {@code ask}'s first-run indexing. The index is
     * committed every {@value #COMMIT_EVERY} documents, so a killed {@code index} keeps what it had done.
     */
    static final class Ingest {
        static final int COMMIT_EVERY = 128;

        private Ingest() {}

        static int folder(
                LuceneIndex index,
                Path folder,
                List<String> includes,
                List<String> excludes,
                PrintWriter out,
                boolean terminal) {
            return folder(
                    index,
                    folder,
                    includes,
                    excludes,
                    out,
                    terminal ? new ConsoleProgressBarConsumer(System.err) : null,
                    false);
        }

        /**
         * Indexes the folder; on a terminal ({@code bar} not null) a progress bar shows counts and throughput,
         * otherwise one plain line per batch goes to {@code out}.
         */
        static int folder(
                LuceneIndex index,
                Path folder,
                List<String> includes,
                List<String> excludes,
                PrintWriter out,
                ProgressBarConsumer bar,
                boolean prune) {
            DirectoryLoader.Builder loader = DirectoryLoader.builder(folder);
            includes.forEach(loader::include);
            excludes.forEach(loader::exclude);
            LoadReport report = loader.build().load();
            long start = System.nanoTime();
            List<Document> documents = report.documents();
            int chunks = 0;
            try (ProgressBar progress = bar == null
                    ? null
                    : new ProgressBarBuilder()
                            .setTaskName("Indexing")
                            .setInitialMax(documents.size())
                            .setUnit(" docs", 1)
                            .showSpeed()
                            .setStyle(ProgressBarStyle.ASCII)
                            .setConsumer(bar)
                            .build()) {
                for (int from = 0; from < documents.size(); from += 16) {
                    List<Document> batch = documents.subList(from, Math.min(documents.size(), from + 16));
                    chunks += index.upsertAll(batch);
                    int done = from + batch.size();
                    if (done % COMMIT_EVERY == 0) {
                        index.commit();
                    }
                    if (progress != null) {
                        progress.stepTo(done);
                        progress.setExtraMessage(chunks + " chunks");
                    } else {
                        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
                        out.printf(
                                "indexed %d/%d documents, %d chunks (%.1f documents/s)%n",
                                done, documents.size(), chunks, done / seconds);
                        out.flush();
                    }
                }
            }
            if (prune) {
                prune(index, folder, report, out);
            }
            index.commit();
            report.failures().forEach(f -> out.println("skipped " + f.file() + ": " + f.reason()));
            out.printf("%d documents, %d chunks indexed from %s%n", documents.size(), chunks, folder);
            if (documents.isEmpty()) {
                out.println("error: nothing to index in " + folder);
            }
            return documents.size();
        }

        /** Deletes documents that are not in the folder any more; a file that failed to load keeps its entry. */
        private static void prune(LuceneIndex index, Path folder, LoadReport report, PrintWriter out) {
            Set<String> present = new HashSet<>();
            report.documents().forEach(d -> present.add(d.id()));
            Path root = folder.toAbsolutePath().normalize();
            report.failures()
                    .forEach(f -> present.add(
                            root.relativize(f.file().toAbsolutePath().normalize())
                                    .toString()
                                    .replace('\\', '/')));
            int removed = 0;
            for (String id : index.documentIds()) {
                if (!present.contains(id)) {
                    index.delete(id);
                    removed++;
                }
            }
            out.printf("removed %d documents no longer in %s%n", removed, folder);
        }
    }
}
