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

    LuceneIndex open() {
        LuceneIndex.Builder builder = LuceneIndex.builder().path(index);
        if (!bm25Only) {
            builder.defaultEmbeddingModel();
        }
        return builder.open();
    }
}
