package dev.quarry.index;

import java.util.List;

/**
 * Answers search requests with cited hits. The contract every backend keeps (Lucene here, a search
 * cluster elsewhere): hits best first, at most {@code k}, all filters applied, query text never parsed as
 * query syntax unless asked. Implementations are thread-safe.
 */
public interface Retriever {

    /** The best hits for {@code request}, best first; empty when nothing matches. */
    List<Hit> search(SearchRequest request);

    /** Whether {@link SearchMode#VECTOR} and {@link SearchMode#HYBRID} are available. */
    boolean supportsVectors();
}
