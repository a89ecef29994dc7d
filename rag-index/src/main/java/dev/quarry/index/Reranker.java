package dev.quarry.index;

import java.util.List;

/**
 * A second stage over the fused hits: a model that reads the query beside each candidate and orders them by
 * relevance. {@link ScoringModelReranker} adapts any langchain4j {@code ScoringModel} (Bedrock's rerank
 * models among them, {@code quarry-agent-bedrock}); {@link RerankingRetriever} puts one behind any
 * {@link Retriever}.
 */
@FunctionalInterface
public interface Reranker {

    /**
     * The candidates reordered, best first, at most {@code k} of them, each carrying the reranker's score.
     *
     * @param query the user's query
     * @param candidates the first stage's hits, best first
     */
    List<Hit> rerank(String query, List<Hit> candidates, int k);
}
