package dev.quarry.index;

/** {@link SearchIndexContract} on an in-memory {@link LuceneIndex}. */
class LuceneIndexContractTest extends SearchIndexContract {

    @Override
    protected SearchIndex open(boolean vectors, Chunker chunker) {
        LuceneIndex.Builder builder = LuceneIndex.builder().chunker(chunker);
        if (vectors) {
            builder.embeddingModel(BGE).queryPrefix(Embeddings.BGE_QUERY_INSTRUCTION);
        }
        return builder.open();
    }
}
