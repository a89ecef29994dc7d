package dev.quarry.index;

import static dev.quarry.index.ChunkRecords.TEXT;
import static dev.quarry.index.ChunkRecords.VECTOR;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;

/**
 * One search of a {@link LuceneIndex} on one point-in-time searcher: the BM25 and vector rankings, their
 * fusion, and the hits, of which only those returned are loaded and highlighted.
 *
 * @param searcher the searcher, acquired for this search
 * @param analyzer the analyzer the text was indexed with (for highlighting)
 * @param queryVector embeds the query text
 * @param efSearch candidates every vector search keeps before it returns the best
 */
record RankedSearch(IndexSearcher searcher, Analyzer analyzer, Function<String, float[]> queryVector, int efSearch) {

    /** The request's hits, ranked by its mode. */
    List<Hit> search(SearchRequest request, Query lexical, Query filter) throws IOException {
        List<ScoreDoc> ranked = switch (request.mode()) {
            case BM25 -> lexical(lexical, filter, request.k());
            case VECTOR -> dense(request.query(), filter, request.k());
            case HYBRID -> fuse(request, lexical, filter);
        };
        return toHits(lexical, ranked);
    }

    private List<ScoreDoc> fuse(SearchRequest request, Query lexical, Query filter) throws IOException {
        int depth = Math.max(request.k(), request.fusion().depth());
        List<ReciprocalRankFusion.Scored<Integer>> bm25 = scored(lexical(lexical, filter, depth));
        List<ReciprocalRankFusion.Scored<Integer>> dense = scored(dense(request.query(), filter, depth));
        return ReciprocalRankFusion.fuseScored(bm25, dense, request.fusion(), request.k()).stream()
                .map(f -> new ScoreDoc(f.item(), (float) f.score()))
                .toList();
    }

    private static List<ReciprocalRankFusion.Scored<Integer>> scored(List<ScoreDoc> docs) {
        return docs.stream()
                .map(d -> new ReciprocalRankFusion.Scored<>(d.doc, d.score))
                .toList();
    }

    private List<ScoreDoc> lexical(Query text, Query filter, int depth) throws IOException {
        if (text == null) {
            return List.of();
        }
        Query query = filter == null
                ? text
                : new BooleanQuery.Builder()
                        .add(text, Occur.MUST)
                        .add(filter, Occur.FILTER)
                        .build();
        try {
            return List.of(searcher.search(query, depth).scoreDocs);
        } catch (IndexSearcher.TooManyClauses e) {
            throw new IllegalArgumentException(
                    "query has too many distinct terms (limit " + IndexSearcher.getMaxClauseCount() + "); shorten it",
                    e);
        }
    }

    /** The best {@code depth} of a graph search that keeps at least {@code efSearch} candidates. */
    private List<ScoreDoc> dense(String queryText, Query filter, int depth) throws IOException {
        float[] target = queryVector.apply(queryText);
        KnnFloatVectorQuery query = new KnnFloatVectorQuery(VECTOR, target, Math.max(depth, efSearch), filter);
        return List.of(searcher.search(query, depth).scoreDocs);
    }

    /** Loads stored fields for the final ranking only, and highlights the query terms in each chunk. */
    private List<Hit> toHits(Query lexical, List<ScoreDoc> ranked) throws IOException {
        String[] snippets = new String[ranked.size()];
        if (lexical != null && !ranked.isEmpty()) {
            UnifiedHighlighter highlighter =
                    UnifiedHighlighter.builder(searcher, analyzer).build();
            ScoreDoc[] docs = ranked.toArray(ScoreDoc[]::new);
            snippets = highlighter.highlight(
                    TEXT, lexical, new TopDocs(new TotalHits(docs.length, TotalHits.Relation.EQUAL_TO), docs), 2);
        }
        List<Hit> hits = new ArrayList<>(ranked.size());
        var stored = searcher.storedFields();
        for (int i = 0; i < ranked.size(); i++) {
            hits.add(ChunkRecords.hit(stored.document(ranked.get(i).doc), ranked.get(i).score, snippets[i]));
        }
        return hits;
    }
}
