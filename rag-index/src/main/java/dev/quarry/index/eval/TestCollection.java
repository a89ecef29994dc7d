package dev.quarry.index.eval;

import dev.quarry.index.Document;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A retrieval test collection: documents (empty when the index already holds them), queries by id in file
 * order, and relevance judgments as gains (query id to document id to gain; every gain is positive, a
 * document not listed is not relevant).
 *
 * @param documents the documents to index, in file order; empty when evaluating an existing index
 * @param queries query text by query id, in file order
 * @param judgments query id to (document id to gain), relevant documents only
 */
public record TestCollection(
        List<Document> documents, Map<String, String> queries, Map<String, Map<String, Integer>> judgments) {

    /**
     * Copies the parts and checks them.
     *
     * @throws IllegalArgumentException no query has a judgment, or a gain is not positive
     */
    public TestCollection {
        documents = List.copyOf(documents);
        queries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(queries));
        Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
        judgments.forEach((query, gains) -> {
            gains.forEach((document, gain) -> {
                if (gain == null || gain <= 0) {
                    throw new IllegalArgumentException("query " + query + ", document " + document + ": gain " + gain
                            + " is not positive; list relevant documents only");
                }
            });
            if (!gains.isEmpty()) {
                copy.put(query, Map.copyOf(gains));
            }
        });
        judgments = java.util.Collections.unmodifiableMap(copy);
        if (judgedQueries(queries, judgments).isEmpty()) {
            throw new IllegalArgumentException("none of the " + queries.size() + " queries has a relevance judgment"
                    + " (judgments name " + judgments.size() + " query ids); nothing to evaluate: check that the"
                    + " query ids in the judgments file match those in the queries file");
        }
    }

    /** The ids of the queries that have at least one relevant document, in file order. */
    public List<String> judgedQueries() {
        return judgedQueries(queries, judgments);
    }

    /** The relevant documents of a query and their gains; empty for a query without judgments. */
    public Map<String, Integer> gains(String queryId) {
        return judgments.getOrDefault(Objects.requireNonNull(queryId, "queryId"), Map.of());
    }

    private static List<String> judgedQueries(Map<String, String> queries, Map<String, Map<String, Integer>> judged) {
        return queries.keySet().stream().filter(judged::containsKey).toList();
    }
}
