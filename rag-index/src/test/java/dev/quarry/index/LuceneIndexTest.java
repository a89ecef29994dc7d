package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneIndexTest {

    @TempDir
    Path dir;

    static Document doc(String id, String text, Map<String, String> metadata) {
        return new Document(id, text, "Title " + id, "file:///" + id, metadata);
    }

    static LuceneIndex bm25(Path path) {
        return LuceneIndex.builder().path(path).open();
    }

    /** An empty Lucene index at {@code path} whose commit says it is Quarry format {@code format}. */
    private static void emptyIndexOfFormat(Path path, String format) throws IOException {
        try (var directory = org.apache.lucene.store.FSDirectory.open(path);
                var writer = new org.apache.lucene.index.IndexWriter(
                        directory, new org.apache.lucene.index.IndexWriterConfig())) {
            writer.setLiveCommitData(Map.of("quarry.format", format).entrySet());
            writer.commit();
        }
    }

    @Test
    void findsDocumentsWithBm25AndCitesTheExactSpan() {
        try (LuceneIndex index = bm25(dir)) {
            Document lucene = doc("lucene", "Lucene is a search library. It ranks documents with BM25.", Map.of());
            index.upsert(lucene);
            index.upsert(doc("java", "Java runs on the JVM. Virtual threads are cheap.", Map.of()));
            List<Hit> hits = index.search(SearchRequest.of("ranking documents"));
            assertThat(hits).extracting(Hit::documentId).containsExactly("lucene");
            Hit hit = hits.getFirst();
            assertThat(lucene.text().substring(hit.startOffset(), hit.endOffset()))
                    .isEqualTo(hit.text());
            assertThat(hit.snippet()).contains("<b>ranks</b>").contains("<b>documents</b>");
            assertThat(hit.title()).isEqualTo("Title lucene");
            assertThat(hit.sourceUri()).isEqualTo("file:///lucene");
            assertThat(hit.citation()).isEqualTo("lucene#0[0-57]");
        }
    }

    @Test
    void upsertReplacesAllChunksOfADocument() {
        try (LuceneIndex index =
                LuceneIndex.builder().path(dir).chunker(new Chunker(60, 0)).open()) {
            index.upsert(doc("a", "Alpha beta gamma delta. ".repeat(20), Map.of()));
            assertThat(index.stats())
                    .isEqualTo(new LuceneIndex.Stats(1, index.stats().chunks()));
            assertThat(index.stats().chunks()).isGreaterThan(3);
            index.upsert(doc("a", "Completely new text about zebras.", Map.of()));
            assertThat(index.stats()).isEqualTo(new LuceneIndex.Stats(1, 1));
            assertThat(index.search(SearchRequest.of("gamma"))).isEmpty();
            assertThat(index.search(SearchRequest.of("zebras"))).hasSize(1);
        }
    }

    @Test
    void deleteRemovesTheDocumentAndItsChunks() {
        try (LuceneIndex index = bm25(dir)) {
            index.upsertAll(List.of(doc("a", "apples are red", Map.of()), doc("b", "bananas are yellow", Map.of())));
            index.delete("a");
            index.delete("unknown-id");
            assertThat(index.stats()).isEqualTo(new LuceneIndex.Stats(1, 1));
            assertThat(index.search(SearchRequest.of("apples"))).isEmpty();
            assertThat(index.document("a")).isEmpty();
            assertThat(index.document("b")).get().extracting(Document::text).isEqualTo("bananas are yellow");
        }
    }

    @Test
    void metadataFiltersRestrictHits() {
        try (LuceneIndex index = bm25(dir)) {
            index.upsert(doc("en", "the report on engines", Map.of("lang", "en", "team", "a")));
            index.upsert(doc("de", "the report on engines in German", Map.of("lang", "de", "team", "a")));
            index.upsert(doc("fr", "the report on engines in French", Map.of("lang", "fr", "team", "b")));
            assertThat(index.search(
                            SearchRequest.builder("report").filter("lang", "de").build()))
                    .extracting(Hit::documentId)
                    .containsExactly("de");
            assertThat(index.search(SearchRequest.builder("report")
                            .filter(MetadataFilter.anyOf("lang", "de", "fr"))
                            .filter("team", "b")
                            .build()))
                    .extracting(Hit::documentId)
                    .containsExactly("fr");
            assertThat(index.search(SearchRequest.of("report")).getFirst().metadata())
                    .containsKey("lang");
        }
    }

    @Test
    void writesAreVisibleToSearchesBeforeCommit() throws Exception {
        try (LuceneIndex index = bm25(dir)) {
            assertThat(index.search(SearchRequest.of("visible"))).isEmpty();
            index.upsert(doc("a", "this is visible right away", Map.of()));
            // a reader on another thread sees the write, without a commit
            var reader = Executors.newVirtualThreadPerTaskExecutor();
            List<Hit> seen = CompletableFuture.supplyAsync(() -> index.search(SearchRequest.of("visible")), reader)
                    .get();
            reader.close();
            assertThat(seen).hasSize(1);
        }
    }

    @Test
    void committedDataSurvivesReopenAndReadOnlyReadersSeeCommits() {
        try (LuceneIndex writer = bm25(dir)) {
            writer.upsert(doc("a", "durable data", Map.of("k", "v")));
            writer.commit();
            try (LuceneIndex reader = LuceneIndex.builder().path(dir).readOnly().open()) {
                assertThat(reader.search(SearchRequest.of("durable"))).hasSize(1);
                writer.upsert(doc("b", "more durable data", Map.of()));
                writer.commit();
                assertThat(reader.search(SearchRequest.of("durable"))).hasSize(1);
                reader.refresh();
                assertThat(reader.search(SearchRequest.of("durable"))).hasSize(2);
                assertThatThrownBy(() -> reader.upsert(doc("c", "x", Map.of())))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("read-only");
            }
        }
        try (LuceneIndex reopened = bm25(dir)) {
            assertThat(reopened.stats()).isEqualTo(new LuceneIndex.Stats(2, 2));
            assertThat(reopened.document("a"))
                    .get()
                    .extracting(Document::metadata)
                    .isEqualTo(Map.of("k", "v"));
        }
    }

    @Test
    void aSecondWriterGetsAClearError() {
        try (LuceneIndex first = bm25(dir)) {
            assertThatThrownBy(() -> bm25(dir))
                    .isInstanceOf(IndexLockedException.class)
                    .hasMessageContaining("already open for writing");
            assertThat(first.stats().documents()).isZero();
        }
    }

    @Test
    void queryTextIsNotParsedAsSyntaxUnlessAsked() {
        try (LuceneIndex index = bm25(dir)) {
            index.upsert(doc("a", "title says alpha and omega", Map.of()));
            index.upsert(doc("b", "only omega here", Map.of()));
            // syntax characters are plain text: no parse error, terms still match
            assertThat(index.search(SearchRequest.of("alpha AND (omega OR \"[x TO y]\" ~ ^ :")))
                    .isNotEmpty();
            assertThat(index.search(SearchRequest.of("\u0000\u0007 alpha")))
                    .extracting(Hit::documentId)
                    .contains("a");
            assertThat(index.search(SearchRequest.builder("+alpha +omega")
                            .querySyntax(true)
                            .build()))
                    .extracting(Hit::documentId)
                    .containsExactly("a");
            assertThatThrownBy(() -> index.search(SearchRequest.builder("alpha AND (")
                            .querySyntax(true)
                            .build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid query syntax");
            assertThat(index.search(SearchRequest.of("the and of"))).isEmpty();
        }
    }

    @Test
    void aQueryWithMoreDistinctWordsThanLucenesClauseLimitStillSearches() {
        try (LuceneIndex index = bm25(dir)) {
            index.upsert(doc("lucene", "Lucene ranks documents with BM25.", Map.of()));
            StringBuilder query = new StringBuilder("ranks");
            for (int i = 0; i < 1_200; i++) {
                query.append(" q").append(Integer.toString(i, 36));
            }
            List<Hit> hits = index.search(SearchRequest.of(query.toString()));
            assertThat(hits).extracting(Hit::documentId).containsExactly("lucene");
        }
    }

    @Test
    void readsDocumentsAndChunksBack() {
        try (LuceneIndex index =
                LuceneIndex.builder().path(dir).chunker(new Chunker(60, 0)).open()) {
            Document d = doc("a", "First sentence here. Second sentence there. Third sentence everywhere.", Map.of());
            index.upsert(d);
            Chunk second = index.chunk("a", 1).orElseThrow();
            assertThat(d.text().substring(second.startOffset(), second.endOffset()))
                    .isEqualTo(second.text());
            assertThat(index.chunk("a", 99)).isEmpty();
            assertThat(index.document("a")).contains(d);
        }
    }

    @Test
    void rejectsEmptyDocumentsWithoutWritingAnything() {
        try (LuceneIndex index = bm25(dir)) {
            assertThatThrownBy(
                            () -> index.upsertAll(List.of(doc("ok", "fine", Map.of()), doc("empty", "  ", Map.of()))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty has no text");
            assertThat(index.stats().documents()).isZero();
        }
    }

    @Test
    void vectorSearchNeedsAnEmbeddingModel() {
        try (LuceneIndex index = bm25(dir)) {
            assertThatThrownBy(() -> index.search(
                            SearchRequest.builder("x").mode(SearchMode.VECTOR).build()))
                    .hasMessageContaining("needs an embedding model");
        }
    }

    @Test
    void refusesAnIndexOfAnotherFormatOrNotWrittenByQuarry() throws IOException {
        Path foreign = dir.resolve("foreign");
        emptyIndexOfFormat(foreign, "999");
        assertThatThrownBy(() -> bm25(foreign))
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("format 999");
    }

    @Test
    void titlesCanBeLeftOutAndTheSettingIsPartOfTheIndex() {
        Document memo = new Document("memo", "Notes from the meeting.", "Budget forecast", "", Map.of());
        Path without = dir.resolve("without-titles");
        try (LuceneIndex index =
                LuceneIndex.builder().path(without).titles(false).open()) {
            index.upsert(memo);
            assertThat(index.search(SearchRequest.of("budget"))).isEmpty();
        }
        assertThatThrownBy(
                        () -> LuceneIndex.builder().path(without).titles(true).open())
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("built with titles not searched")
                .hasMessageContaining("leave titles unset");
        try (LuceneIndex reopened = bm25(without)) {
            reopened.upsert(memo.withMetadata("edited", "yes"));
            assertThat(reopened.search(SearchRequest.of("budget"))).isEmpty();
        }
        Path with = dir.resolve("with-titles");
        try (LuceneIndex index = bm25(with)) {
            index.upsert(memo);
            assertThat(index.search(SearchRequest.of("budget")))
                    .extracting(Hit::documentId)
                    .containsExactly("memo");
        }
        assertThatThrownBy(() -> LuceneIndex.builder().path(with).titles(false).open())
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("built with titles searched");
    }

    @Test
    void aTitleMatchWeighsAsConfigured() {
        List<Document> documents = List.of(
                new Document("in-title", "Compressor stall margins.", "Flutter", "", Map.of()),
                new Document("in-text", "Flutter of the fin at high speed. Compressor stall.", "Fins", "", Map.of()));
        for (float weight : new float[] {0f, 5f}) {
            try (LuceneIndex index = LuceneIndex.builder().titleWeight(weight).open()) {
                index.upsertAll(documents);
                List<Hit> hits = index.search(SearchRequest.of("flutter"));
                assertThat(hits.getFirst().documentId()).isEqualTo(weight == 0 ? "in-text" : "in-title");
                assertThat(hits).hasSize(weight == 0 ? 1 : 2);
            }
        }
        assertThatThrownBy(() -> LuceneIndex.builder().titleWeight(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("titleWeight");
    }

    @Test
    void anIndexOfTheFormatBeforeTitlesIsRefusedWithHowToRebuild() throws IOException {
        Path old = dir.resolve("format-1");
        emptyIndexOfFormat(old, "1");
        assertThatThrownBy(() -> LuceneIndex.builder().path(old).readOnly().open())
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("format 1")
                .hasMessageContaining("titles are searched and embedded")
                .hasMessageContaining("rebuild the index")
                .hasMessageContaining("quarry index");
    }

    @Test
    void reportsACorruptIndex() throws IOException {
        try (LuceneIndex index = bm25(dir)) {
            index.upsert(doc("a", "some text", Map.of()));
        }
        Path segments;
        try (var files = Files.list(dir)) {
            segments = files.filter(f -> f.getFileName().toString().startsWith("segments_"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segments);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(segments, bytes);
        assertThatThrownBy(() -> bm25(dir))
                .isInstanceOf(CorruptedIndexException.class)
                .hasMessageContaining("is corrupt")
                .hasMessageContaining("re-index");
    }
}
