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
 * @param fusion how {@link SearchMode#HYBRID} combines its rankings
 * @param fusionChosen whether the request chose its fusion; when not, an index with a default fusion of its
 *     own ({@code LuceneIndex.Builder.fusion}, a tuned {@link FusionConfig}) uses that one
 */
public record SearchRequest(
        String query,
        SearchMode mode,
        int k,
        List<MetadataFilter> filters,
        boolean querySyntax,
        Fusion fusion,
        boolean fusionChosen) {

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

    /** A request that chose {@code fusion} (see {@link #fusionChosen}). */
    public SearchRequest(
            String query, SearchMode mode, int k, List<MetadataFilter> filters, boolean querySyntax, Fusion fusion) {
        this(query, mode, k, filters, querySyntax, fusion, true);
    }

    /** This request, fused by {@code indexDefault} unless it chose its own fusion. */
    public SearchRequest withDefaultFusion(Fusion indexDefault) {
        return fusionChosen || indexDefault.equals(fusion)
                ? this
                : new SearchRequest(query, mode, k, filters, querySyntax, indexDefault, false);
    }

    /** This request asking for {@code n} hits. */
    public SearchRequest withK(int n) {
        return new SearchRequest(query, mode, n, filters, querySyntax, fusion, fusionChosen);
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
     * How {@link SearchMode#HYBRID} fuses its BM25 and vector rankings, each of which contributes its top
     * {@code depth} chunks (the real depth: {@code max(k, depth)} per ranking).
     *
     * <ul>
     *   <li>{@link Method#RRF}: weighted reciprocal-rank fusion: a hit's score is the sum over rankings of
     *       {@code weight / (rankConstant + rank)}, rank from 1. Rank-based: scores never meet.
     *   <li>{@link Method#MIN_MAX} and {@link Method#Z_SCORE}: each ranking's scores are normalised (to
     *       0..1, or to standard scores), then combined convexly with the weights (normalised to sum to 1);
     *       a hit missing from a ranking gets that ranking's lowest normalised score. {@code rankConstant}
     *       is not used.
     * </ul>
     *
     * @param bm25Weight weight of the BM25 ranking
     * @param vectorWeight weight of the vector ranking
     * @param rankConstant RRF's constant (60 in Cormack et al., 2009)
     * @param depth chunks each ranking contributes
     * @param method how scores are combined
     */
    public record Fusion(double bm25Weight, double vectorWeight, int rankConstant, int depth, Method method) {

        /** How the two rankings are combined. */
        public enum Method {
            /** Reciprocal-rank fusion. */
            RRF,
            /** Convex combination of min-max normalised scores. */
            MIN_MAX,
            /** Convex combination of z-score normalised scores. */
            Z_SCORE
        }

        /**
         * Z-score normalised BM25 and cosine scores, half each, depth 100: chosen by 5-fold cross-validation
         * on Cranfield at the depth applications use (it won four folds of five; {@code ./bench fusion},
         * docs/benchmarks.md).
         */
        public static final Fusion DEFAULT = normalised(Method.Z_SCORE, 0.5, 100);

        /** Reciprocal-rank fusion with equal weights, the constant 60 of Cormack et al. (2009), depth 100. */
        public static final Fusion RRF = new Fusion(1.0, 1.0, 60, 100, Method.RRF);

        /** Checks the weights, constant, depth and method. */
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
            java.util.Objects.requireNonNull(method, "method");
        }

        /** Reciprocal-rank fusion with these weights, constant and depth. */
        public Fusion(double bm25Weight, double vectorWeight, int rankConstant, int depth) {
            this(bm25Weight, vectorWeight, rankConstant, depth, Method.RRF);
        }

        /**
         * A convex combination of normalised scores: {@code bm25Share} of BM25 and the rest of the vector
         * score, each ranking contributing its top {@code depth}.
         *
         * @throws IllegalArgumentException for a share outside 0..1 or an RRF method
         */
        public static Fusion normalised(Method method, double bm25Share, int depth) {
            if (method == Method.RRF) {
                throw new IllegalArgumentException("normalised fusion is MIN_MAX or Z_SCORE, not RRF");
            }
            if (bm25Share < 0 || bm25Share > 1) {
                throw new IllegalArgumentException("bm25Share must be in 0..1, was " + bm25Share);
            }
            return new Fusion(bm25Share, 1 - bm25Share, 0, depth, method);
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
        private boolean fusionChosen;

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

        /**
         * How hybrid search fuses its BM25 and vector rankings; without it, the index's default fusion
         * ({@link Fusion#DEFAULT} unless the index was given another).
         */
        public Builder fusion(Fusion fusion) {
            this.fusion = fusion;
            this.fusionChosen = true;
            return this;
        }

        /** The request; fails with an {@code IllegalArgumentException} for a blank or too long query or a bad {@code k}. */
        public SearchRequest build() {
            return new SearchRequest(query, mode, k, filters, querySyntax, fusion, fusionChosen);
        }
    }
}
