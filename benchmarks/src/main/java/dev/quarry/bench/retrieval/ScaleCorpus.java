package dev.quarry.bench.retrieval;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.quarry.index.Chunk;
import dev.quarry.index.Chunker;
import dev.quarry.index.DirectoryLoader;
import dev.quarry.index.Document;
import dev.quarry.index.Embeddings;
import dev.quarry.index.LoadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the OpenSearch scale benchmark indexes and asks: documents in a fixed order, the chunker that cuts
 * them, the model that embeds chunks and queries, and the queries. {@link #synthetic} is a load generator
 * (pseudo-words, seeded random vectors); {@link #folder} is real text embedded by the real BGE model, with
 * the vectors kept in a {@link VectorCache}.
 */
interface ScaleCorpus extends AutoCloseable {

    /** Documents {@code 0..count-1} whose chunks number at least {@code chunks} (fewer if the corpus ends). */
    List<Document> documents(int chunks);

    Chunker chunker();

    EmbeddingModel model();

    /** What the index puts before a query it embeds. */
    String queryPrefix();

    List<String> queries(int count);

    /** One sentence for the results file: the text, the vectors, the queries. */
    String description();

    /** Embeds every chunk of these documents ahead of the measured indexing, where embedding is not free. */
    default void prepare(List<Document> documents) {}

    @Override
    default void close() throws IOException {}

    /** Chunks of about 500 characters of pseudo-words, one per document, with seeded 384-dimension vectors. */
    static ScaleCorpus synthetic(long seed) {
        SyntheticCorpus corpus = new SyntheticCorpus(20_000, seed);
        SeededVectors vectors = new SeededVectors(384, seed);
        return new ScaleCorpus() {
            @Override
            public List<Document> documents(int chunks) {
                List<Document> documents = new ArrayList<>(chunks);
                for (int n = 0; n < chunks; n++) {
                    documents.add(corpus.document(n, 500));
                }
                return documents;
            }

            @Override
            public Chunker chunker() {
                return Chunker.defaults();
            }

            @Override
            public EmbeddingModel model() {
                return vectors;
            }

            @Override
            public String queryPrefix() {
                return "";
            }

            @Override
            public List<String> queries(int count) {
                return corpus.queries(count);
            }

            @Override
            public String description() {
                return "Synthetic chunks of about 500 characters with seeded 384-dimension unit vectors (no semantic"
                        + " structure: the hardest case for HNSW); queries of 2 to 4 pseudo-words.";
            }
        };
    }

    /**
     * Every text file under {@code root} (sorted by path), cut into chunks of at most {@code chunkChars}
     * characters, embedded with BGE small (titles included, as the indexes do) through a vector cache at
     * {@code cacheFile}; the queries are the document's section headings (reStructuredText titles: a line
     * of 2 to 12 words underlined with one repeated punctuation character), shuffled with a fixed seed.
     */
    static ScaleCorpus folder(Path root, int chunkChars, Path cacheFile) throws IOException {
        LoadReport report =
                DirectoryLoader.builder(root).include("**/*.txt").build().load();
        if (report.documents().isEmpty()) {
            throw new IllegalArgumentException("no .txt files under " + root);
        }
        List<Document> all = report.documents().stream()
                .filter(d -> !d.text().isBlank())
                .sorted(java.util.Comparator.comparing(Document::id))
                .toList();
        Chunker chunker = new Chunker(chunkChars, Math.min(Chunker.DEFAULT_OVERLAP_CHARS, chunkChars / 5));
        VectorCache cache = new VectorCache(Embeddings.bgeSmallEnglish(), "bge-small-en-v1.5-q", cacheFile);
        return new ScaleCorpus() {
            @Override
            public List<Document> documents(int chunks) {
                List<Document> documents = new ArrayList<>();
                int count = 0;
                for (Document document : all) {
                    if (count >= chunks) {
                        break;
                    }
                    documents.add(document);
                    count += chunker.chunk(document).size();
                }
                return documents;
            }

            @Override
            public Chunker chunker() {
                return chunker;
            }

            @Override
            public EmbeddingModel model() {
                return cache;
            }

            @Override
            public String queryPrefix() {
                return Embeddings.BGE_QUERY_INSTRUCTION;
            }

            @Override
            public List<String> queries(int count) {
                List<String> headings = new ArrayList<>(headings(all));
                Collections.shuffle(headings, new Random(42));
                if (headings.size() < count) {
                    throw new IllegalArgumentException(
                            "only " + headings.size() + " section headings under " + root + "; " + count + " wanted");
                }
                return headings.subList(0, count);
            }

            @Override
            public void prepare(List<Document> documents) {
                List<TextSegment> batch = new ArrayList<>();
                long start = System.nanoTime();
                int done = 0;
                for (Document document : documents) {
                    for (Chunk chunk : chunker.chunk(document)) {
                        batch.add(TextSegment.from(Embeddings.chunkText(document, chunk, true)));
                        if (batch.size() == 256) {
                            cache.embedAll(batch);
                            done += batch.size();
                            batch.clear();
                            if (done % 5_120 == 0) {
                                System.err.printf(
                                        Locale.ROOT,
                                        "embedding: %,d chunks, %,d computed, %.0f s%n",
                                        done,
                                        cache.computed(),
                                        (System.nanoTime() - start) / 1e9);
                            }
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    cache.embedAll(batch);
                }
            }

            @Override
            public String description() {
                return String.format(
                        Locale.ROOT,
                        "Real text: the %,d text files under %s, cut into chunks of at most %d characters, embedded"
                                + " with BGE small en v1.5 (quantized, in process; title and chunk, as the indexes"
                                + " embed); queries are section headings of those files, with BGE's query instruction.",
                        all.size(),
                        root.getFileName(),
                        chunkChars);
            }

            @Override
            public void close() throws IOException {
                cache.close();
            }
        };
    }

    /** reStructuredText section titles: a line of 2 to 12 words followed by an underline of one repeated mark. */
    static Set<String> headings(List<Document> documents) {
        Pattern underline = Pattern.compile("([=\\-~^\"'*+#])\\1{2,}");
        Set<String> headings = new LinkedHashSet<>();
        for (Document document : documents) {
            String[] lines = document.text().split("\n");
            for (int i = 0; i + 1 < lines.length; i++) {
                String line = lines[i].strip();
                String next = lines[i + 1].strip();
                int words = line.isEmpty() ? 0 : line.split("\\s+").length;
                if (words >= 2
                        && words <= 12
                        && Character.isLetter(line.charAt(0))
                        && next.length() >= line.length()
                        && underline.matcher(next).matches()) {
                    headings.add(line);
                }
            }
        }
        return headings;
    }
}
