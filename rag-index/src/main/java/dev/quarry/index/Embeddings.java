package dev.quarry.index;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

/** The embedding models Quarry ships with. */
public final class Embeddings {

    /** The instruction BGE v1.5 models expect before a short query that retrieves passages. */
    public static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

    private Embeddings() {}

    /** BGE small English v1.5, quantized, run in-process with ONNX Runtime: 384 dimensions, no network. */
    public static EmbeddingModel bgeSmallEnglish() {
        return new BgeSmallEnV15QuantizedEmbeddingModel();
    }
}
