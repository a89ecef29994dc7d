package dev.quarry.index;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

/** The embedding models Quarry ships with. */
public final class Embeddings {

    /** The instruction BGE v1.5 models expect before a short query that retrieves passages. */
    public static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

    private Embeddings() {}

    /**
     * The text a chunk's vector is computed from: the chunk, after its document's title when titles are
     * indexed (so a chunk that never names its subject is still found by it). Every backend embeds by this
     * rule, so their vectors agree.
     */
    public static String chunkText(Document document, Chunk chunk, boolean titles) {
        return titles && !document.title().isBlank() ? document.title() + "\n\n" + chunk.text() : chunk.text();
    }

    /** BGE small English v1.5, quantized, run in-process with ONNX Runtime: 384 dimensions, no network. */
    public static EmbeddingModel bgeSmallEnglish() {
        return new BgeSmallEnV15QuantizedEmbeddingModel();
    }
}
