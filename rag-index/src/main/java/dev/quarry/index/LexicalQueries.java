package dev.quarry.index;

import static dev.quarry.index.ChunkRecords.META;
import static dev.quarry.index.ChunkRecords.TEXT;
import static dev.quarry.index.ChunkRecords.TITLE_TEXT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.QueryBuilder;

/**
 * The BM25 side of a search: the user's text as a query over the chunk text and, when titles are indexed,
 * over the document title with its weight (the two fields' BM25 scores add up, as a multi-field "most
 * fields" match does); and metadata filters as a filter query.
 *
 * @param analyzer the analyzer the fields were indexed with
 * @param titleWeight the weight of a title match relative to a text match; 0 leaves titles out
 */
record LexicalQueries(Analyzer analyzer, float titleWeight) {

    /**
     * The query for {@code request}'s text.
     *
     * @throws IllegalArgumentException the text is Lucene query syntax that does not parse
     */
    Query of(SearchRequest request) {
        if (request.querySyntax()) {
            QueryParser parser = titleWeight > 0
                    ? new MultiFieldQueryParser(
                            new String[] {TEXT, TITLE_TEXT}, analyzer, Map.of(TEXT, 1f, TITLE_TEXT, titleWeight))
                    : new QueryParser(TEXT, analyzer);
            try {
                return parser.parse(request.query());
            } catch (ParseException e) {
                throw new IllegalArgumentException("invalid query syntax: " + e.getMessage(), e);
            }
        }
        int fields = titleWeight > 0 ? 2 : 1;
        Query text;
        try {
            text = new QueryBuilder(analyzer).createBooleanQuery(TEXT, request.query(), Occur.SHOULD);
        } catch (IndexSearcher.TooManyClauses e) {
            return firstDistinctTerms(request.query(), IndexSearcher.getMaxClauseCount() / fields);
        }
        if (text == null || fields == 1) {
            return text;
        }
        if (clauses(text) * fields > IndexSearcher.getMaxClauseCount()) {
            return firstDistinctTerms(request.query(), IndexSearcher.getMaxClauseCount() / fields);
        }
        return withTitle(
                text, new QueryBuilder(analyzer).createBooleanQuery(TITLE_TEXT, request.query(), Occur.SHOULD));
    }

    /** The text query and the weighted title query, their scores added. */
    private Query withTitle(Query text, Query title) {
        return new BooleanQuery.Builder()
                .add(text, Occur.SHOULD)
                .add(new BoostQuery(title, titleWeight), Occur.SHOULD)
                .build();
    }

    /**
     * A query of the text's first {@code max} distinct terms: a plain-text query with more distinct words
     * than Lucene's clause limit (1,024, shared by the fields searched) searches with the first of them
     * instead of failing.
     */
    private Query firstDistinctTerms(String text, int max) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (terms.size() < max && tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse the query", e);
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        terms.forEach(t -> query.add(new TermQuery(new Term(TEXT, t)), Occur.SHOULD));
        if (titleWeight > 0) {
            BooleanQuery.Builder title = new BooleanQuery.Builder();
            terms.forEach(t -> title.add(new TermQuery(new Term(TITLE_TEXT, t)), Occur.SHOULD));
            return withTitle(query.build(), title.build());
        }
        return query.build();
    }

    private static int clauses(Query query) {
        int[] leaves = {0};
        query.visit(new QueryVisitor() {
            @Override
            public void consumeTerms(Query leaf, Term... terms) {
                leaves[0] += terms.length;
            }

            @Override
            public QueryVisitor getSubVisitor(Occur occur, Query parent) {
                return this;
            }
        });
        return leaves[0];
    }

    /** Every filter must hold; within one filter, any of its values. Null when there are no filters. */
    static Query filter(List<MetadataFilter> filters) {
        if (filters.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        for (MetadataFilter filter : filters) {
            BooleanQuery.Builder any = new BooleanQuery.Builder();
            filter.values().forEach(v -> any.add(new TermQuery(new Term(META + filter.key(), v)), Occur.SHOULD));
            all.add(any.build(), Occur.FILTER);
        }
        return all.build();
    }
}
