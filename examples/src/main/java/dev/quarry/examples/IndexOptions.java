package dev.quarry.examples;

import dev.quarry.index.LuceneIndex;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the index lives, and how to open it; shared by every subcommand. */
final class IndexOptions {

    @Option(names = "--index", description = "index folder (default: ${DEFAULT-VALUE})", defaultValue = "quarry-index")
    Path index;

    @Option(names = "--bm25-only", description = "no embeddings: BM25 search only, faster to build")
    boolean bm25Only;

    /** Opens the index to write, creating it in a new or empty folder. */
    LuceneIndex open() {
        return builder().open();
    }

    /**
     * Opens the index to read: no write lock, so any number of readers and one writer may use it at once,
     * and never creates an index.
     */
    LuceneIndex openForReading() {
        return builder().readOnly().open();
    }

    private LuceneIndex.Builder builder() {
        LuceneIndex.Builder builder = LuceneIndex.builder().path(index);
        if (!bm25Only) {
            builder.defaultEmbeddingModel();
        }
        return builder;
    }
}
