package dev.quarry.index;

/** How a {@link Retriever} ranks chunks. */
public enum SearchMode {
    /** Lexical ranking with BM25 over the analysed chunk text. */
    BM25,
    /** Dense ranking by cosine similarity of embeddings (needs an embedding model). */
    VECTOR,
    /** BM25 and vector rankings fused as {@link SearchRequest.Fusion} says (z-score normalised scores by default). */
    HYBRID
}
