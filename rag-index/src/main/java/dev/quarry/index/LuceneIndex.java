package dev.quarry.index;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.QueryBuilder;

/**
 * A Lucene index of chunked documents: BM25 over English-analysed text, an HNSW vector field when an
 * embedding model is configured, metadata for filters, and stored offsets for citations.
 *
 * <p>Writes ({@link #upsert}, {@link #delete}) replace whole documents atomically and become visible to
 * searches in this instance at once (near-real-time, through a {@link SearcherManager}); they survive a
 * crash once {@link #commit()} returns. One {@code LuceneIndex} is safe for many threads; one process at a
 * time may open a directory for writing (a second gets {@link IndexLockedException}), any number may open it
 * {@linkplain Builder#readOnly() read-only}.
 */
public final class LuceneIndex implements SearchIndex, Closeable {

    /** The on-disk layout this class writes; an index with another value is refused. */
    public static final String FORMAT_VERSION = "1";

    static final String KIND = "kind";
    static final String DOC_ID = "doc_id";
    static final String ORDINAL = "ordinal";
    static final String CHUNK_COUNT = "chunk_count";
    static final String START = "start";
    static final String END = "end";
    static final String TEXT = "text";
    static final String DOC_TEXT = "doc_text";
    static final String TITLE = "title";
    static final String SOURCE = "source";
    static final String VECTOR = "vector";
    static final String META = "meta.";
    static final String KIND_DOC = "doc";
    static final String KIND_CHUNK = "chunk";

    private static final String FORMAT_KEY = "quarry.format";
    private static final String DIMENSION_KEY = "quarry.embedding.dimension";
    private static final String MODEL_KEY = "quarry.embedding.model";

    private static final FieldType TEXT_WITH_OFFSETS = textWithOffsets();

    private final String location;
    private final Directory directory;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final EmbeddingModel embeddingModel;
    private final int dimension;
    private final Chunker chunker;
    private final int embeddingBatchSize;
    private final String queryPrefix;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong visible = new AtomicLong();

    private LuceneIndex(Builder builder) throws IOException {
        this.location = builder.path == null ? "in-memory index" : builder.path.toString();
        this.embeddingModel = builder.embeddingModel;
        this.dimension = embeddingModel == null ? 0 : embeddingModel.dimension();
        this.chunker = builder.chunker;
        this.embeddingBatchSize = builder.embeddingBatchSize;
        this.queryPrefix = builder.queryPrefix;
        if (builder.path != null) {
            IndexFolder.prepare(builder.path, builder.readOnly);
        }
        this.directory = builder.path == null ? new ByteBuffersDirectory() : FSDirectory.open(builder.path);
        boolean exists = DirectoryReader.indexExists(directory);
        try {
            if (exists) {
                checkCompatible(SegmentInfos.readLatestCommit(directory).getUserData());
            } else if (builder.readOnly) {
                throw new IndexException("no index at " + location + "; build one first (quarry index <dir>)");
            }
            if (builder.readOnly) {
                this.writer = null;
                this.searchers = new SearcherManager(directory, null);
            } else {
                this.writer = openWriter(builder.quantizeVectors);
                if (!exists) {
                    commit();
                }
                if (builder.path != null) {
                    IndexFolder.mark(builder.path);
                }
                this.searchers = new SearcherManager(writer, null);
            }
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw translate(e);
        }
    }

    /** A builder for an index in a folder or in memory. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether {@code folder} holds a Quarry index, without opening it: what a reader checks before it
     * decides to build one.
     */
    public static boolean exists(Path folder) {
        return IndexFolder.holdsIndex(Objects.requireNonNull(folder, "folder"));
    }

    private IndexWriter openWriter(boolean quantize) throws IOException {
        IndexWriterConfig config = new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setCodec(codec(quantize));
        try {
            return new IndexWriter(directory, config);
        } catch (LockObtainFailedException e) {
            throw new IndexLockedException(
                    location + " is already open for writing (by another process or another LuceneIndex);"
                            + " close that writer first, or open this one with readOnly()",
                    e);
        }
    }

    private static Lucene104Codec codec(boolean quantize) {
        return new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return quantize ? new Lucene104HnswScalarQuantizedVectorsFormat() : new Lucene99HnswVectorsFormat();
            }
        };
    }

    private void checkCompatible(Map<String, String> userData) {
        String format = userData.get(FORMAT_KEY);
        if (format == null) {
            throw new IncompatibleIndexException(
                    location + " holds a Lucene index that Quarry did not write; point Quarry at an empty folder");
        }
        if (!FORMAT_VERSION.equals(format)) {
            throw new IncompatibleIndexException(location + " was written in Quarry index format " + format
                    + ", this version reads format " + FORMAT_VERSION + "; rebuild the index");
        }
        int stored = Integer.parseInt(userData.getOrDefault(DIMENSION_KEY, "0"));
        if (stored != dimension) {
            String storedModel = userData.getOrDefault(MODEL_KEY, "none");
            throw new IncompatibleIndexException(location + " was built with embedding dimension " + stored
                    + " (model: " + storedModel + ") but this index is configured with dimension " + dimension
                    + " (model: " + modelName() + "); use the same embedding model or rebuild the index");
        }
    }

    private String modelName() {
        return embeddingModel == null ? "none" : embeddingModel.modelName();
    }

    /** The chunker this index cuts documents with. */
    public Chunker chunker() {
        return chunker;
    }

    @Override
    public boolean supportsVectors() {
        return embeddingModel != null;
    }

    /**
     * Adds or replaces documents, embedding all their chunks in batches. Each document is replaced
     * atomically: a search or a crash sees all of its new chunks or none. Returns the number of chunks written.
     */
    @Override
    public int upsertAll(List<Document> documents) {
        requireWritable();
        List<List<Chunk>> chunked = new ArrayList<>(documents.size());
        List<Chunk> all = new ArrayList<>();
        for (Document document : documents) {
            if (document.text().isBlank()) {
                throw new IllegalArgumentException(
                        "document " + document.id() + " has no text; nothing to index (nothing was written)");
            }
            List<Chunk> chunks = chunker.chunk(document);
            chunked.add(chunks);
            all.addAll(chunks);
        }
        List<float[]> vectors = embed(all);
        int next = 0;
        try {
            for (int d = 0; d < documents.size(); d++) {
                Document document = documents.get(d);
                List<org.apache.lucene.document.Document> block = new ArrayList<>();
                block.add(documentRecord(document, chunked.get(d).size()));
                for (Chunk chunk : chunked.get(d)) {
                    block.add(chunkRecord(document, chunk, vectors == null ? null : vectors.get(next)));
                    next++;
                }
                writer.updateDocuments(new Term(DOC_ID, document.id()), block);
            }
        } catch (IOException e) {
            throw new IndexException("writing to " + location + " failed: " + e.getMessage(), e);
        }
        writes.incrementAndGet();
        return all.size();
    }

    private List<float[]> embed(List<Chunk> chunks) {
        if (embeddingModel == null) {
            return null;
        }
        List<float[]> vectors = new ArrayList<>(chunks.size());
        for (int from = 0; from < chunks.size(); from += embeddingBatchSize) {
            List<TextSegment> batch = chunks.subList(from, Math.min(chunks.size(), from + embeddingBatchSize)).stream()
                    .map(c -> TextSegment.from(c.text()))
                    .toList();
            List<Embedding> embeddings = embeddingModel.embedAll(batch).content();
            if (embeddings.size() != batch.size()) {
                throw new IndexException(
                        "embedding model returned " + embeddings.size() + " vectors for " + batch.size() + " chunks");
            }
            for (Embedding embedding : embeddings) {
                vectors.add(checkDimension(embedding.vector()));
            }
        }
        return vectors;
    }

    private float[] checkDimension(float[] vector) {
        if (vector.length != dimension) {
            throw new IncompatibleIndexException("embedding model " + modelName() + " produced a vector of dimension "
                    + vector.length + " but declares " + dimension);
        }
        return vector;
    }

    private static org.apache.lucene.document.Document documentRecord(Document document, int chunkCount) {
        var record = new org.apache.lucene.document.Document();
        record.add(new StringField(KIND, KIND_DOC, Field.Store.NO));
        record.add(new StringField(DOC_ID, document.id(), Field.Store.YES));
        record.add(new StoredField(DOC_TEXT, document.text()));
        record.add(new StoredField(CHUNK_COUNT, chunkCount));
        addShared(record, document);
        return record;
    }

    private static org.apache.lucene.document.Document chunkRecord(Document document, Chunk chunk, float[] vector) {
        var record = new org.apache.lucene.document.Document();
        record.add(new StringField(KIND, KIND_CHUNK, Field.Store.NO));
        record.add(new StringField(DOC_ID, document.id(), Field.Store.YES));
        record.add(new IntField(ORDINAL, chunk.ordinal(), Field.Store.YES));
        record.add(new StoredField(START, chunk.startOffset()));
        record.add(new StoredField(END, chunk.endOffset()));
        record.add(new Field(TEXT, chunk.text(), TEXT_WITH_OFFSETS));
        if (vector != null) {
            record.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
        }
        addShared(record, document);
        return record;
    }

    private static void addShared(org.apache.lucene.document.Document record, Document document) {
        record.add(new StoredField(TITLE, document.title()));
        record.add(new StoredField(SOURCE, document.sourceUri()));
        document.metadata().forEach((key, value) -> record.add(new StringField(META + key, value, Field.Store.YES)));
    }

    /** Removes the document and all its chunks; a no-op when the id is unknown. */
    @Override
    public void delete(String documentId) {
        requireWritable();
        try {
            writer.deleteDocuments(new Term(DOC_ID, documentId));
        } catch (IOException e) {
            throw new IndexException("deleting " + documentId + " from " + location + " failed", e);
        }
        writes.incrementAndGet();
    }

    /**
     * Makes every write so far durable: after this returns, a crash loses none of it. Searches see writes
     * even before (near-real-time).
     */
    @Override
    public void commit() {
        requireWritable();
        try {
            writer.setLiveCommitData(Map.of(
                            FORMAT_KEY, FORMAT_VERSION,
                            DIMENSION_KEY, Integer.toString(dimension),
                            MODEL_KEY, modelName())
                    .entrySet());
            writer.commit();
        } catch (IOException e) {
            throw new IndexException("commit to " + location + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Makes the latest state visible to searches: this index's own writes, or, for a read-only index, the
     * latest commit by the writing process.
     */
    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new IndexException("refreshing " + location + " failed: " + e.getMessage(), e);
        }
    }

    /** Counts of documents and chunks visible to searches now. */
    public Stats stats() {
        return withSearcher(searcher -> new Stats(
                searcher.count(new TermQuery(new Term(KIND, KIND_DOC))),
                searcher.count(new TermQuery(new Term(KIND, KIND_CHUNK)))));
    }

    /** Document and chunk counts. */
    public record Stats(int documents, int chunks) {}

    /** The ids of every document in the index, sorted; for pruning documents whose source is gone. */
    public SortedSet<String> documentIds() {
        return withSearcher(searcher -> {
            Query documents = new TermQuery(new Term(KIND, KIND_DOC));
            int count = searcher.count(documents);
            SortedSet<String> ids = new TreeSet<>();
            if (count == 0) {
                return ids;
            }
            var stored = searcher.storedFields();
            for (ScoreDoc hit : searcher.search(documents, count).scoreDocs) {
                ids.add(stored.document(hit.doc, Set.of(DOC_ID)).get(DOC_ID));
            }
            return ids;
        });
    }

    @Override
    public List<Hit> search(SearchRequest request) {
        if (request.mode() != SearchMode.BM25 && embeddingModel == null) {
            throw new IllegalArgumentException(request.mode() + " search needs an embedding model, and " + location
                    + " was opened without one; use BM25 or configure an embedding model");
        }
        Query filter = filterQuery(request.filters());
        Query lexical = lexicalQuery(request);
        return withSearcher(searcher -> {
            List<ScoreDoc> ranked = switch (request.mode()) {
                case BM25 -> lexical(searcher, lexical, filter, request.k());
                case VECTOR -> dense(searcher, request.query(), filter, request.k());
                case HYBRID -> fuse(searcher, request, lexical, filter);
            };
            return toHits(searcher, lexical, ranked);
        });
    }

    private List<ScoreDoc> fuse(IndexSearcher searcher, SearchRequest request, Query lexical, Query filter)
            throws IOException {
        int depth = Math.max(request.k(), request.fusion().depth());
        List<ReciprocalRankFusion.Scored<Integer>> bm25 = scored(lexical(searcher, lexical, filter, depth));
        List<ReciprocalRankFusion.Scored<Integer>> dense = scored(dense(searcher, request.query(), filter, depth));
        return ReciprocalRankFusion.fuseScored(bm25, dense, request.fusion(), request.k()).stream()
                .map(f -> new ScoreDoc(f.item(), (float) f.score()))
                .toList();
    }

    private static List<ReciprocalRankFusion.Scored<Integer>> scored(List<ScoreDoc> docs) {
        return docs.stream()
                .map(d -> new ReciprocalRankFusion.Scored<>(d.doc, d.score))
                .toList();
    }

    private Query lexicalQuery(SearchRequest request) {
        if (request.querySyntax()) {
            try {
                return new QueryParser(TEXT, analyzer).parse(request.query());
            } catch (ParseException e) {
                throw new IllegalArgumentException("invalid query syntax: " + e.getMessage(), e);
            }
        }
        try {
            return new QueryBuilder(analyzer).createBooleanQuery(TEXT, request.query(), Occur.SHOULD);
        } catch (IndexSearcher.TooManyClauses e) {
            return firstDistinctTerms(request.query(), IndexSearcher.getMaxClauseCount());
        }
    }

    /**
     * A query of the text's first {@code max} distinct terms: a plain-text query with more distinct words
     * than Lucene's clause limit (1,024) searches with the first of them instead of failing.
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
        return query.build();
    }

    private static List<ScoreDoc> lexical(IndexSearcher searcher, Query text, Query filter, int depth)
            throws IOException {
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

    private List<ScoreDoc> dense(IndexSearcher searcher, String queryText, Query filter, int depth) throws IOException {
        float[] target = checkDimension(
                embeddingModel.embed(queryPrefix + queryText).content().vector());
        return List.of(searcher.search(new KnnFloatVectorQuery(VECTOR, target, depth, filter), depth).scoreDocs);
    }

    private static Query filterQuery(List<MetadataFilter> filters) {
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

    /** Loads stored fields for the final ranking only, and highlights the query terms in each chunk. */
    private List<Hit> toHits(IndexSearcher searcher, Query lexical, List<ScoreDoc> ranked) throws IOException {
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
            var record = stored.document(ranked.get(i).doc);
            String text = record.get(TEXT);
            hits.add(new Hit(
                    record.get(DOC_ID),
                    record.getField(ORDINAL).numericValue().intValue(),
                    record.getField(START).numericValue().intValue(),
                    record.getField(END).numericValue().intValue(),
                    ranked.get(i).score,
                    record.get(TITLE),
                    record.get(SOURCE),
                    text,
                    snippets[i] != null ? snippets[i] : Hit.fallbackSnippet(text),
                    metadataOf(record)));
        }
        return hits;
    }

    private static Map<String, String> metadataOf(org.apache.lucene.document.Document record) {
        Map<String, String> metadata = new HashMap<>();
        for (IndexableField field : record.getFields()) {
            if (field.name().startsWith(META)) {
                metadata.put(field.name().substring(META.length()), field.stringValue());
            }
        }
        return metadata;
    }

    @Override
    public Optional<Document> document(String documentId) {
        return withSearcher(searcher -> {
            Query query = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(KIND, KIND_DOC)), Occur.FILTER)
                    .add(new TermQuery(new Term(DOC_ID, documentId)), Occur.FILTER)
                    .build();
            TopDocs top = searcher.search(query, 1);
            if (top.scoreDocs.length == 0) {
                return Optional.empty();
            }
            var record = searcher.storedFields().document(top.scoreDocs[0].doc);
            return Optional.of(new Document(
                    documentId, record.get(DOC_TEXT), record.get(TITLE), record.get(SOURCE), metadataOf(record)));
        });
    }

    @Override
    public Optional<Chunk> chunk(String documentId, int ordinal) {
        return withSearcher(searcher -> {
            Query query = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(DOC_ID, documentId)), Occur.FILTER)
                    .add(IntField.newExactQuery(ORDINAL, ordinal), Occur.FILTER)
                    .add(new TermQuery(new Term(KIND, KIND_CHUNK)), Occur.FILTER)
                    .build();
            TopDocs top = searcher.search(query, 1);
            if (top.scoreDocs.length == 0) {
                return Optional.empty();
            }
            var record = searcher.storedFields().document(top.scoreDocs[0].doc);
            return Optional.of(new Chunk(
                    documentId,
                    ordinal,
                    record.getField(START).numericValue().intValue(),
                    record.getField(END).numericValue().intValue(),
                    record.get(TEXT)));
        });
    }

    private interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(SearcherFunction<T> function) {
        try {
            long written = writes.get();
            if (visible.get() < written) {
                // blocks while another thread refreshes, so every reader sees every write made before it asked
                searchers.maybeRefreshBlocking();
                visible.accumulateAndGet(written, Math::max);
            }
            IndexSearcher searcher = searchers.acquire();
            try {
                return function.apply(searcher);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private void requireWritable() {
        if (writer == null) {
            throw new IllegalStateException(location + " was opened read-only; open it without readOnly() to write");
        }
    }

    private RuntimeException translate(Exception e) {
        return switch (e) {
            case IndexException index -> index;
            case CorruptIndexException corrupt ->
                new CorruptedIndexException(
                        location + " is corrupt (" + corrupt.getMessage()
                                + "); restore it from a backup or delete the folder and re-index",
                        corrupt);
            case IndexFormatTooOldException old ->
                new IncompatibleIndexException(
                        location + " was written by an older Lucene that this version cannot read; rebuild the index",
                        old);
            case IndexFormatTooNewException newer ->
                new IncompatibleIndexException(
                        location + " was written by a newer Lucene; upgrade Quarry or rebuild the index", newer);
            case IOException io -> new IndexException(location + ": " + io.getMessage(), io);
            case RuntimeException runtime -> runtime;
            default -> new IndexException(location + ": " + e.getMessage(), e);
        };
    }

    /** Commits pending writes (a writable index) and releases the directory and its lock. */
    @Override
    public void close() {
        try {
            searchers.close();
            if (writer != null) {
                commit();
                writer.close();
            }
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + location + " failed", e);
        }
    }

    private static FieldType textWithOffsets() {
        FieldType type = new FieldType();
        type.setTokenized(true);
        type.setStored(true);
        type.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        type.freeze();
        return type;
    }

    /** Configures and opens a {@link LuceneIndex}. */
    public static final class Builder {
        private Path path;
        private EmbeddingModel embeddingModel;
        private Chunker chunker = Chunker.defaults();
        private boolean quantizeVectors = true;
        private boolean readOnly;
        private int embeddingBatchSize = 32;
        private String queryPrefix = "";

        private Builder() {}

        /**
         * Keep the index in this folder; without a path the index lives in memory. The folder must be new
         * (it is created), empty, or a Quarry index: a folder holding other files is refused with an
         * {@link IndexException}, because Lucene deletes files whose names look like its own. A read-only
         * index is never created.
         */
        public Builder path(Path path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** Embed chunks with this model and enable vector and hybrid search. Without one, the index is BM25-only. */
        public Builder embeddingModel(EmbeddingModel embeddingModel) {
            this.embeddingModel = Objects.requireNonNull(embeddingModel, "embeddingModel");
            return this;
        }

        /**
         * Embed with the in-process BGE small (English, v1.5, quantized) model, 384 dimensions, and prefix
         * queries with the retrieval instruction that model was trained with.
         */
        public Builder defaultEmbeddingModel() {
            this.embeddingModel = Embeddings.bgeSmallEnglish();
            this.queryPrefix = Embeddings.BGE_QUERY_INSTRUCTION;
            return this;
        }

        /** Text put before every query before it is embedded (some models expect an instruction). */
        public Builder queryPrefix(String queryPrefix) {
            this.queryPrefix = Objects.requireNonNull(queryPrefix);
            return this;
        }

        /** How documents are cut into chunks; the default is {@link Chunker#defaults()}. */
        public Builder chunker(Chunker chunker) {
            this.chunker = Objects.requireNonNull(chunker);
            return this;
        }

        /**
         * Store vectors scalar-quantized (about 4x smaller, HNSW searched on the quantized values and
         * re-scored); default on. Turn off for exact float storage.
         */
        public Builder quantizeVectors(boolean quantizeVectors) {
            this.quantizeVectors = quantizeVectors;
            return this;
        }

        /** Open without a writer: no lock taken, {@link #refresh()} picks up the writer's latest commit. */
        public Builder readOnly() {
            this.readOnly = true;
            return this;
        }

        /** Chunks per {@link EmbeddingModel#embedAll} call; default 32. */
        public Builder embeddingBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("embeddingBatchSize must be >= 1");
            }
            this.embeddingBatchSize = size;
            return this;
        }

        /**
         * Opens the index.
         *
         * @throws IndexLockedException another writer holds the folder
         * @throws IncompatibleIndexException the folder holds an index this configuration cannot use
         * @throws CorruptedIndexException the folder's index files are damaged
         */
        public LuceneIndex open() {
            if (readOnly && path == null) {
                throw new IllegalArgumentException("a read-only index needs a path");
            }
            try {
                return new LuceneIndex(this);
            } catch (IOException e) {
                throw new IndexException("cannot open index at " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
