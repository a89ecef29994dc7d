package dev.quarry.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One search: the query text, how to rank, how many hits, and filters. Immutable; build with
 * {@link #builder(String)} or {@link #of(String)}.
 *
 * <p>The query is plain text: it is analysed, never parsed as Lucene query syntax, unless
 * {@link Builder#querySyntax(boolean)} asks for that explicitly.
 *
 * @param query the user's text
 * @param mode ranking mode
 * @param k number of hits wanted, 1..1000
 * @param filters metadata filters that must all hold
 * @param querySyntax whether {@code query} is Lucene query syntax (BM25 part only)
 * @param fusion weights and constant for {@link SearchMode#HYBRID}
 */
public record SearchRequest(
        String query, SearchMode mode, int k, List<MetadataFilter> filters, boolean querySyntax, Fusion fusion) {

    /** Longest query accepted, in characters. Longer input is an error, not silently cut. */
    public static final int MAX_QUERY_CHARS = 8_000;

    public SearchRequest {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(fusion, "fusion");
        if (query.isBlank()) {
            throw new IllegalArgumentException("query must not be blank");
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw new IllegalArgumentException(
                    "query is " + query.length() + " characters; the limit is " + MAX_QUERY_CHARS);
        }
        if (k < 1 || k > 1000) {
            throw new IllegalArgumentException("k must be in 1..1000, was " + k);
        }
        filters = List.copyOf(filters);
    }

    /** A BM25 request for the top 10. */
    public static SearchRequest of(String query) {
        return builder(query).build();
    }

    /** A request for {@code query} with the defaults: BM25, ten results, no filter. */
    public static Builder builder(String query) {
        return new Builder(query);
    }

    /**
     * Weighted reciprocal-rank fusion: a hit's score is the sum over rankings of
     * {@code weight / (rankConstant + rank)}, rank from 1; each ranking contributes its top {@code depth}.
     */
    public record Fusion(double bm25Weight, double vectorWeight, int rankConstant, int depth) {

        /** Equal weights, the constant 60 of Cormack et al. (2009), and depth 100. */
        public static final Fusion DEFAULT = new Fusion(1.0, 1.0, 60, 100);

        public Fusion {
            if (bm25Weight < 0 || vectorWeight < 0 || bm25Weight + vectorWeight == 0) {
                throw new IllegalArgumentException("fusion weights must be >= 0 and not both 0");
            }
            if (rankConstant < 0) {
                throw new IllegalArgumentException("rankConstant must be >= 0");
            }
            if (depth < 1) {
                throw new IllegalArgumentException("fusion depth must be >= 1");
            }
        }
    }

    /** Builds a {@link SearchRequest}; defaults: BM25, k = 10, no filters, plain-text query. */
    public static final class Builder {
        private final String query;
        private SearchMode mode = SearchMode.BM25;
        private int k = 10;
        private final List<MetadataFilter> filters = new ArrayList<>();
        private boolean querySyntax;
        private Fusion fusion = Fusion.DEFAULT;

        private Builder(String query) {
            this.query = query;
        }

        /** BM25, dense vectors or both fused. */
        public Builder mode(SearchMode mode) {
            this.mode = mode;
            return this;
        }

        /** How many results to return, 1 to 1000. */
        public Builder k(int k) {
            this.k = k;
            return this;
        }

        /** Keeps only chunks whose document metadata matches this filter. */
        public Builder filter(MetadataFilter filter) {
            filters.add(Objects.requireNonNull(filter));
            return this;
        }

        /** Keeps only chunks whose document has metadata {@code key} equal to {@code value}. */
        public Builder filter(String key, String value) {
            return filter(MetadataFilter.equalTo(key, value));
        }

        /** Treat the query as Lucene classic query syntax ({@code title:foo AND "a phrase"}). */
        public Builder querySyntax(boolean querySyntax) {
            this.querySyntax = querySyntax;
            return this;
        }

        /** How hybrid search fuses its BM25 and vector rankings. */
        public Builder fusion(Fusion fusion) {
            this.fusion = fusion;
            return this;
        }

        /** The request; fails with an {@code IllegalArgumentException} for a blank or too long query or a bad {@code k}. */
        public SearchRequest build() {
            return new SearchRequest(query, mode, k, filters, querySyntax, fusion);
        }
    }
}
