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

    @Option(
            names = "--fusion-config",
            description = "hybrid fusion tuned for this index by `quarry eval --tune` (default: the library's)")
    Path fusionConfig;

    @Option(
            names = "--rerank",
            description = "rerank the top 50 hits of every search with this Bedrock rerank model ARN (needs AWS"
                    + " credentials and a region)")
    String rerank;

    /** The index as searches should see it: reranked by the --rerank model when one is given. */
    dev.quarry.index.Retriever retriever(LuceneIndex opened) {
        if (rerank == null) {
            return opened;
        }
        var client = software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeClient.create();
        return dev.quarry.index.RerankingRetriever.of(
                opened,
                new dev.quarry.index.ScoringModelReranker(
                        dev.quarry.agent.bedrock.BedrockReranking.model(client, rerank)),
                50);
    }

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
        if (fusionConfig != null) {
            builder.fusionConfig(fusionConfig);
        }
        return builder;
    }
}
