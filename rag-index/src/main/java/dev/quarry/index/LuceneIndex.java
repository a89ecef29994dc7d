package dev.quarry.index;

import static dev.quarry.index.ChunkRecords.DOC_ID;
import static dev.quarry.index.ChunkRecords.KIND;
import static dev.quarry.index.ChunkRecords.KIND_CHUNK;
import static dev.quarry.index.ChunkRecords.KIND_DOC;
import static dev.quarry.index.ChunkRecords.ORDINAL;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.IntField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * A Lucene index of chunked documents: BM25 over English-analysed chunk text and document title, an HNSW
 * vector field (each chunk embedded with its title) when an embedding model is configured, metadata for
 * filters, and stored offsets for citations. The record layout is {@link ChunkRecords}; the BM25 query
 * {@link LexicalQueries}; one search {@link RankedSearch}.
 *
 * <p>Writes ({@link #upsert}, {@link #delete}) replace whole documents atomically and become visible to
 * searches in this instance at once (near-real-time, through a {@link SearcherManager}); they survive a
 * crash once {@link #commit()} returns. One {@code LuceneIndex} is safe for many threads; one process at a
 * time may open a directory for writing (a second gets {@link IndexLockedException}), any number may open it
 * {@linkplain Builder#readOnly() read-only}.
 */
public final class LuceneIndex implements SearchIndex, Closeable {

    /** The on-disk layout this class writes; an index with another value is refused. */
    public static final String FORMAT_VERSION = "2";

    /**
     * Candidates a vector search keeps by default ({@link Builder#efSearch}): on 100,000 chunks of real text
     * with BGE vectors it finds 0.94 to 0.95 of the exact top 10, against 0.84 to 0.87 when the search keeps
     * only the 10 it returns (docs/scale-out.md).
     */
    public static final int DEFAULT_EF_SEARCH = 100;

    private static final String FORMAT_KEY = "quarry.format";
    private static final String DIMENSION_KEY = "quarry.embedding.dimension";
    private static final String MODEL_KEY = "quarry.embedding.model";
    private static final String TITLES_KEY = "quarry.titles";

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
    private final boolean titles;
    private final LexicalQueries lexicalQueries;
    private final int efSearch;
    private final SearchRequest.Fusion defaultFusion;
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
        boolean indexTitles;
        try {
            if (exists) {
                Map<String, String> committed =
                        SegmentInfos.readLatestCommit(directory).getUserData();
                checkCompatible(committed);
                indexTitles = titlesOf(committed, builder.titles);
            } else if (builder.readOnly) {
                throw new IndexException("no index at " + location + "; build one first (quarry index <dir>)");
            } else {
                indexTitles = builder.titles == null || builder.titles;
            }
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw translate(e);
        }
        this.titles = indexTitles;
        this.lexicalQueries = new LexicalQueries(analyzer, titles ? builder.titleWeight : 0);
        this.efSearch = builder.efSearch;
        try {
            this.defaultFusion = builder.fusionConfig == null
                    ? builder.fusion
                    : FusionConfig.read(builder.fusionConfig).fusionFor(fingerprint(), location);
        } catch (RuntimeException e) {
            directory.close();
            throw e;
        }
        try {
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
                    + ", this version reads format " + FORMAT_VERSION
                    + (format.equals("1") ? " (since format 2 document titles are searched and embedded)" : "")
                    + "; rebuild the index: delete " + location + " and index the documents again"
                    + " (quarry index <folder> --index " + location + ")");
        }
        int stored = Integer.parseInt(userData.getOrDefault(DIMENSION_KEY, "0"));
        if (stored != dimension) {
            String storedModel = userData.getOrDefault(MODEL_KEY, "none");
            throw new IncompatibleIndexException(location + " was built with embedding dimension " + stored
                    + " (model: " + storedModel + ") but this index is configured with dimension " + dimension
                    + " (model: " + modelName() + "); use the same embedding model or rebuild the index");
        }
    }

    /** Whether the committed index holds titles; a builder that asked for the other setting is refused. */
    private boolean titlesOf(Map<String, String> committed, Boolean requested) {
        boolean stored = Boolean.parseBoolean(committed.getOrDefault(TITLES_KEY, "true"));
        if (requested != null && requested != stored) {
            throw new IncompatibleIndexException(location + " was built with titles " + (stored ? "" : "not ")
                    + "searched and embedded, but this index is configured with titles(" + requested
                    + "); leave titles unset to use the index as built, or rebuild the index");
        }
        return stored;
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
        List<String> embeddingTexts = new ArrayList<>();
        for (Document document : documents) {
            if (document.text().isBlank()) {
                throw new IllegalArgumentException(
                        "document " + document.id() + " has no text; nothing to index (nothing was written)");
            }
            List<Chunk> chunks = chunker.chunk(document);
            chunked.add(chunks);
            chunks.forEach(chunk -> embeddingTexts.add(Embeddings.chunkText(document, chunk, titles)));
        }
        List<float[]> vectors = embed(embeddingTexts);
        int next = 0;
        try {
            for (int d = 0; d < documents.size(); d++) {
                Document document = documents.get(d);
                List<org.apache.lucene.document.Document> block = new ArrayList<>();
                block.add(ChunkRecords.documentRecord(document, chunked.get(d).size()));
                for (Chunk chunk : chunked.get(d)) {
                    block.add(ChunkRecords.chunkRecord(
                            document, chunk, vectors == null ? null : vectors.get(next), titles));
                    next++;
                }
                writer.updateDocuments(new Term(DOC_ID, document.id()), block);
            }
        } catch (IOException e) {
            throw new IndexException("writing to " + location + " failed: " + e.getMessage(), e);
        }
        writes.incrementAndGet();
        return embeddingTexts.size();
    }

    private List<float[]> embed(List<String> texts) {
        if (embeddingModel == null) {
            return null;
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += embeddingBatchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + embeddingBatchSize)).stream()
                    .map(TextSegment::from)
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
                            MODEL_KEY, modelName(),
                            TITLES_KEY, Boolean.toString(titles))
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
    public List<Hit> search(SearchRequest asked) {
        SearchRequest request = asked.withDefaultFusion(defaultFusion);
        if (request.mode() != SearchMode.BM25 && embeddingModel == null) {
            throw new IllegalArgumentException(request.mode() + " search needs an embedding model, and " + location
                    + " was opened without one; use BM25 or configure an embedding model");
        }
        Query filter = LexicalQueries.filter(request.filters());
        Query lexical = lexicalQueries.of(request);
        return withSearcher(searcher ->
                new RankedSearch(searcher, analyzer, this::queryVector, efSearch).search(request, lexical, filter));
    }

    /** The fusion hybrid searches use unless a request chooses its own. */
    public SearchRequest.Fusion defaultFusion() {
        return defaultFusion;
    }

    /**
     * What a tuned fusion depends on: the index format, whether titles are indexed, and the embedding model
     * and its dimension ({@link FusionConfig} refuses a fusion tuned on an index with another fingerprint).
     */
    public String fingerprint() {
        return "format=" + FORMAT_VERSION + ";titles=" + titles + ";embedding="
                + (embeddingModel == null ? "none" : embeddingModel.getClass().getName() + "/" + dimension);
    }

    private float[] queryVector(String queryText) {
        return checkDimension(
                embeddingModel.embed(queryPrefix + queryText).content().vector());
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
            return Optional.of(
                    ChunkRecords.document(searcher.storedFields().document(top.scoreDocs[0].doc), documentId));
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
            return Optional.of(
                    ChunkRecords.chunk(searcher.storedFields().document(top.scoreDocs[0].doc), documentId, ordinal));
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

    /** Configures and opens a {@link LuceneIndex}. */
    public static final class Builder {
        private Path path;
        private EmbeddingModel embeddingModel;
        private Chunker chunker = Chunker.defaults();
        private boolean quantizeVectors = true;
        private boolean readOnly;
        private int embeddingBatchSize = 32;
        private String queryPrefix = "";
        private Boolean titles;
        private float titleWeight = 1f;
        private int efSearch = DEFAULT_EF_SEARCH;
        private SearchRequest.Fusion fusion = SearchRequest.Fusion.DEFAULT;
        private Path fusionConfig;

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

        /**
         * Whether document titles are searched (BM25 over the title beside the chunk text) and embedded (each
         * chunk's vector is computed from the title and the chunk); default on for a new index. The setting is
         * part of the index: an existing index is used as it was built, and asking for the other setting is
         * refused with an {@link IncompatibleIndexException} rather than silently changing what searches mean.
         */
        public Builder titles(boolean titles) {
            this.titles = titles;
            return this;
        }

        /**
         * How much a query term found in the title counts against the same term found in the chunk text
         * (their BM25 scores are added with this weight); default 1. Only used when titles are indexed; a
         * query-time setting, so it may differ between opens of one index.
         */
        public Builder titleWeight(float titleWeight) {
            if (!(titleWeight >= 0) || Float.isInfinite(titleWeight)) {
                throw new IllegalArgumentException("titleWeight must be a finite number >= 0, was " + titleWeight);
            }
            this.titleWeight = titleWeight;
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
         * The candidate list of a vector search: the HNSW graph search keeps this many candidates (default
         * {@value #DEFAULT_EF_SEARCH}, and at least the hits asked for) and returns the best of them. Higher
         * finds more of the exact nearest neighbours and costs time; a search time setting, not stored in the
         * index.
         */
        public Builder efSearch(int efSearch) {
            if (efSearch < 1) {
                throw new IllegalArgumentException("efSearch must be at least 1, was " + efSearch);
            }
            this.efSearch = efSearch;
            return this;
        }

        /** The fusion hybrid searches use unless a request chooses its own; default {@link SearchRequest.Fusion#DEFAULT}. */
        public Builder fusion(SearchRequest.Fusion fusion) {
            this.fusion = Objects.requireNonNull(fusion, "fusion");
            return this;
        }

        /**
         * The default fusion from a file {@code quarry eval --tune} wrote for this index; opening refuses a file
         * tuned on another kind of index ({@link FusionConfig}).
         */
        public Builder fusionConfig(Path file) {
            this.fusionConfig = Objects.requireNonNull(file, "file");
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
