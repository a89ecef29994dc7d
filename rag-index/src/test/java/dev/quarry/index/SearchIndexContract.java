package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SearchIndex} backend keeps, run against each: Lucene here, OpenSearch in its
 * module (this class ships in the rag-index test jar). A backend test extends it and opens a fresh, empty
 * index per call.
 */
public abstract class SearchIndexContract {

    /** One BGE model for every test; loading it is the slow part. */
    protected static final EmbeddingModel BGE = Embeddings.bgeSmallEnglish();

    /** A fresh empty index; with {@code vectors} it embeds with {@link #BGE} and its query instruction. */
    protected abstract SearchIndex open(boolean vectors, Chunker chunker);

    static final Document TURBINES = new Document(
            "turbines",
            "Gas turbines compress air before combustion. The hot gas spins the turbine blades, which are cooled"
                    + " by air bled from the compressor.",
            "Turbines",
            "file:///docs/turbines.md",
            Map.of("category", "engines"));
    static final Document WINGS = new Document(
            "wings",
            "Swept wings delay shock waves at transonic speed. Wing flutter is a dangerous vibration.",
            "Wings",
            "file:///docs/wings.md",
            Map.of("category", "airframe"));
    static final Document PUMPS = new Document(
            "pumps",
            "Fuel pumps feed the engines. A turbine-driven pump is common in rockets.",
            "Pumps",
            "file:///docs/pumps.md",
            Map.of("category", "engines"));

    private SearchIndex filled(boolean vectors) {
        SearchIndex index = open(vectors, Chunker.defaults());
        index.upsertAll(List.of(TURBINES, WINGS, PUMPS));
        index.commit();
        return index;
    }

    @Test
    void bm25HitsCiteTheExactSpanAndCarryTheDocumentsFields() {
        try (SearchIndex index = filled(false)) {
            List<Hit> hits =
                    index.search(SearchRequest.builder("turbine blades").k(2).build());
            assertThat(hits).isNotEmpty();
            Hit top = hits.getFirst();
            assertThat(top.documentId()).isEqualTo("turbines");
            assertThat(TURBINES.text().substring(top.startOffset(), top.endOffset()))
                    .isEqualTo(top.text());
            assertThat(top.snippet()).contains("<b>");
            assertThat(top.title()).isEqualTo("Turbines");
            assertThat(top.sourceUri()).isEqualTo("file:///docs/turbines.md");
            assertThat(top.metadata()).isEqualTo(Map.of("category", "engines"));
            assertThat(hits).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
        }
    }

    @Test
    void filtersKeepOnlyMatchingMetadata() {
        try (SearchIndex index = filled(false)) {
            List<Hit> hits = index.search(SearchRequest.builder("turbine")
                    .filter("category", "airframe")
                    .build());
            assertThat(hits).isEmpty();
            assertThat(index.search(SearchRequest.builder("turbine")
                            .filter("category", "engines")
                            .k(10)
                            .build()))
                    .extracting(Hit::documentId)
                    .containsExactlyInAnyOrder("turbines", "pumps");
        }
    }

    @Test
    void queryTextIsNeverParsedAsSyntaxUnlessAsked() {
        try (SearchIndex index = filled(false)) {
            assertThat(index.search(SearchRequest.of("title:(turbine AND [")))
                    .extracting(Hit::documentId)
                    .contains("turbines");
            assertThatThrownBy(() -> index.search(SearchRequest.builder("title:(turbine AND [")
                            .querySyntax(true)
                            .build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid query syntax");
        }
    }

    @Test
    void writingAnIdAgainReplacesEveryChunkAndDeleteRemovesTheDocument() {
        try (SearchIndex index = open(false, new Chunker(60, 0))) {
            String longText = "First sentence about compressors is here. Second sentence about compressors too."
                    + " Third sentence about compressors ends it.";
            assertThat(index.upsert(Document.of("doc", longText))).isEqualTo(3);
            index.commit();
            assertThat(index.search(SearchRequest.builder("compressors").k(10).build()))
                    .hasSize(3);

            assertThat(index.upsert(Document.of("doc", "Only one short sentence about nozzles.")))
                    .isEqualTo(1);
            index.commit();
            assertThat(index.search(SearchRequest.builder("compressors").k(10).build()))
                    .isEmpty();
            assertThat(index.chunk("doc", 1)).isEmpty();
            assertThat(index.chunk("doc", 0)).map(Chunk::text).contains("Only one short sentence about nozzles.");

            index.delete("doc");
            index.delete("never-indexed");
            index.commit();
            assertThat(index.search(SearchRequest.of("nozzles"))).isEmpty();
            assertThat(index.document("doc")).isEmpty();
        }
    }

    @Test
    void documentsReadBackAsIndexed() {
        try (SearchIndex index = filled(false)) {
            assertThat(index.document("wings")).contains(WINGS);
            Chunk chunk = index.chunk("wings", 0).orElseThrow();
            assertThat(WINGS.text().substring(chunk.startOffset(), chunk.endOffset()))
                    .isEqualTo(chunk.text());
            assertThat(index.document("missing")).isEmpty();
        }
    }

    @Test
    void hybridIsTheOneSharedFusionOfTheTwoRankingsOnTheSameScores() {
        try (SearchIndex index = filled(true)) {
            String query = "how do aircraft engines and wings work";
            for (SearchRequest.Fusion fusion : List.of(
                    SearchRequest.Fusion.RRF,
                    SearchRequest.Fusion.normalised(SearchRequest.Fusion.Method.Z_SCORE, 0.3, 100),
                    SearchRequest.Fusion.normalised(SearchRequest.Fusion.Method.MIN_MAX, 0.7, 100))) {
                List<Hit> bm25 = index.search(SearchRequest.builder(query)
                        .mode(SearchMode.BM25)
                        .k(100)
                        .build());
                List<Hit> dense = index.search(SearchRequest.builder(query)
                        .mode(SearchMode.VECTOR)
                        .k(100)
                        .build());
                List<String> expected = ReciprocalRankFusion.fuseScored(scored(bm25), scored(dense), fusion, 3).stream()
                        .map(ReciprocalRankFusion.Fused::item)
                        .toList();

                List<Hit> hybrid = index.search(SearchRequest.builder(query)
                        .mode(SearchMode.HYBRID)
                        .fusion(fusion)
                        .k(3)
                        .build());

                assertThat(hybrid)
                        .as("%s", fusion)
                        .extracting(hit -> hit.documentId() + "#" + hit.chunkOrdinal())
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    private static List<ReciprocalRankFusion.Scored<String>> scored(List<Hit> hits) {
        return hits.stream()
                .map(hit -> new ReciprocalRankFusion.Scored<>(hit.documentId() + "#" + hit.chunkOrdinal(), hit.score()))
                .toList();
    }

    @Test
    void denseAndHybridFindTheMeaningNotJustTheWords() {
        try (SearchIndex index = filled(true)) {
            assertThat(index.supportsVectors()).isTrue();
            List<Hit> dense = index.search(SearchRequest.builder("what keeps hot engine parts from melting")
                    .mode(SearchMode.VECTOR)
                    .k(1)
                    .build());
            assertThat(dense).extracting(Hit::documentId).containsExactly("turbines");
            List<Hit> hybrid = index.search(SearchRequest.builder("why do aircraft wings shake")
                    .mode(SearchMode.HYBRID)
                    .k(3)
                    .build());
            assertThat(hybrid.getFirst().documentId()).isEqualTo("wings");
            assertThat(hybrid).hasSizeLessThanOrEqualTo(3);
            assertThat(hybrid).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
            assertThat(index.search(SearchRequest.builder("wings")
                            .mode(SearchMode.HYBRID)
                            .filter("category", "engines")
                            .k(3)
                            .build()))
                    .extracting(Hit::documentId)
                    .doesNotContain("wings");
        }
    }

    @Test
    void titlesAreSearchedAndEmbeddedWithEveryChunk() {
        String neutral = "See the attached report for the details and the figures discussed at the meeting.";
        try (SearchIndex index = open(true, Chunker.defaults())) {
            index.upsertAll(List.of(
                    new Document("terns", neutral, "Migration routes of arctic terns", "", Map.of()),
                    new Document("taxes", neutral, "Quarterly tax filing deadlines", "", Map.of())));
            index.commit();
            List<Hit> bm25 =
                    index.search(SearchRequest.builder("arctic terns").k(5).build());
            assertThat(bm25).extracting(Hit::documentId).containsExactly("terns");
            assertThat(bm25.getFirst().text()).isEqualTo(neutral);
            List<Hit> dense = index.search(SearchRequest.builder("where do seabirds fly in winter")
                    .mode(SearchMode.VECTOR)
                    .k(2)
                    .build());
            assertThat(dense).extracting(Hit::documentId).containsExactly("terns", "taxes");
            // the two chunks have the same text: only the embedded title can separate them
            assertThat(dense.get(0).score()).isGreaterThan(dense.get(1).score());
        }
    }

    @Test
    void aBm25OnlyIndexRefusesVectorSearchWithAClearMessage() {
        try (SearchIndex index = filled(false)) {
            assertThat(index.supportsVectors()).isFalse();
            assertThatThrownBy(() -> index.search(
                            SearchRequest.builder("x").mode(SearchMode.VECTOR).build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs an embedding model");
        }
    }

    @Test
    void blankDocumentsAreRefusedAndNothingIsWritten() {
        try (SearchIndex index = filled(false)) {
            assertThatThrownBy(() -> index.upsertAll(List.of(Document.of("new", "fresh text"), Document.of("b", " "))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no text");
            index.commit();
            assertThat(index.document("new")).isEmpty();
        }
    }
}
