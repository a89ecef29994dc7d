package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tuned fusion in a file the index reads, and the reranking stage. */
class FusionConfigTest {

    @TempDir
    Path dir;

    static final SearchRequest.Fusion TUNED =
            SearchRequest.Fusion.normalised(SearchRequest.Fusion.Method.MIN_MAX, 0.2, 50);

    @Test
    void aTunedFusionIsTheIndexsDefaultAndARequestMayStillChooseItsOwn() throws Exception {
        Path file = dir.resolve("fusion.json");
        try (LuceneIndex tuned = LuceneIndex.builder().defaultEmbeddingModel().open()) {
            new FusionConfig(TUNED, tuned.fingerprint(), "chosen by a test").write(file);
        }
        try (LuceneIndex index =
                LuceneIndex.builder().defaultEmbeddingModel().fusionConfig(file).open()) {
            index.upsertAll(List.of(
                    Document.of("a", "Turbine blades are inspected for cracks."),
                    Document.of("b", "Wing flutter is a dangerous vibration of the wing.")));
            index.commit();
            assertThat(index.defaultFusion()).isEqualTo(TUNED);
            SearchRequest unchosen = SearchRequest.builder("blade cracks")
                    .mode(SearchMode.HYBRID)
                    .build();
            assertThat(unchosen.withDefaultFusion(TUNED).fusion()).isEqualTo(TUNED);
            List<Hit> byDefault = index.search(unchosen);
            List<Hit> explicit = index.search(SearchRequest.builder("blade cracks")
                    .mode(SearchMode.HYBRID)
                    .fusion(TUNED)
                    .build());
            assertThat(byDefault)
                    .extracting(Hit::score)
                    .containsExactlyElementsOf(explicit.stream().map(Hit::score).toList());
            SearchRequest chosen = SearchRequest.builder("blade cracks")
                    .mode(SearchMode.HYBRID)
                    .fusion(SearchRequest.Fusion.RRF)
                    .build();
            assertThat(chosen.withDefaultFusion(TUNED).fusion()).isEqualTo(SearchRequest.Fusion.RRF);
        }
        assertThat(FusionConfig.read(file).evidence()).isEqualTo("chosen by a test");
    }

    @Test
    void aFusionTunedOnAnotherKindOfIndexOrADamagedFileIsRefused() throws Exception {
        Path file = dir.resolve("fusion.json");
        new FusionConfig(TUNED, "format=2;titles=true;embedding=some.OtherModel/768", "").write(file);
        assertThatThrownBy(() -> LuceneIndex.builder()
                        .defaultEmbeddingModel()
                        .fusionConfig(file)
                        .open())
                .isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining(
                        "the fusion config was tuned on an index \"format=2;titles=true;embedding=some.OtherModel/768\"")
                .hasMessageContaining("tune it again on this index with quarry eval --tune");
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"method\": \"rrf\"}");
        assertThatThrownBy(() -> FusionConfig.read(garbage)).hasMessageContaining("is not a fusion config");
    }

    @Test
    void theRerankingStageReordersTheFirstStagesCandidatesAndReportsItsTime() {
        ScoringModel byLength = new ScoringModel() {
            @Override
            public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
                return Response.from(
                        segments.stream().map(s -> (double) -s.text().length()).toList());
            }
        };
        List<Duration> times = new CopyOnWriteArrayList<>();
        try (LuceneIndex index = LuceneIndex.builder().open()) {
            index.upsertAll(List.of(
                    Document.of("long", "Engines engines engines, and a long, long sentence about engines and more."),
                    Document.of("short", "Engines."),
                    new Document("mid", "Engines run on fuel.", "", "", Map.of())));
            index.commit();
            RerankingRetriever reranking = RerankingRetriever.of(index, new ScoringModelReranker(byLength), 10)
                    .onRerank(times::add);

            List<Hit> hits =
                    reranking.search(SearchRequest.builder("engines").k(2).build());

            assertThat(hits).extracting(Hit::documentId).containsExactly("short", "mid");
            assertThat(hits.getFirst().score()).isEqualTo(-"Engines.".length());
            assertThat(times).hasSize(1);
            assertThat(reranking.supportsVectors()).isFalse();
            assertThatThrownBy(() -> RerankingRetriever.of(index, new ScoringModelReranker(byLength), 0))
                    .hasMessageContaining("candidates must be in 1..1000");
        }
    }
}
