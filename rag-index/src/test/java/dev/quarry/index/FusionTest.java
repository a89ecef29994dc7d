package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quarry.index.ReciprocalRankFusion.Fused;
import dev.quarry.index.ReciprocalRankFusion.Scored;
import dev.quarry.index.SearchRequest.Fusion;
import dev.quarry.index.SearchRequest.Fusion.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three ways hybrid search combines its rankings, computed by hand. */
class FusionTest {

    static final List<Scored<String>> BM25 =
            List.of(new Scored<>("a", 12.0), new Scored<>("b", 8.0), new Scored<>("c", 2.0));
    static final List<Scored<String>> DENSE =
            List.of(new Scored<>("c", 0.9), new Scored<>("d", 0.8), new Scored<>("a", 0.5));

    @Test
    void reciprocalRankFusionAddsWeightOverConstantPlusRank() {
        List<Fused<String>> fused = ReciprocalRankFusion.fuseScored(BM25, DENSE, new Fusion(1, 1, 60, 100), 10);

        assertThat(fused).extracting(Fused::item).containsExactly("a", "c", "b", "d");
        assertThat(fused.getFirst().score()).isCloseTo(1.0 / 61 + 1.0 / 63, within(1e-12));
    }

    @Test
    void minMaxPutsEachRankingOnZeroToOneThenCombinesConvexly() {
        List<Fused<String>> fused =
                ReciprocalRankFusion.fuseScored(BM25, DENSE, Fusion.normalised(Method.MIN_MAX, 0.5, 100), 10);

        // a: bm25 1.0, dense 0.0 -> 0.5; c: bm25 0.0, dense 1.0 -> 0.5; b: 0.6 and missing (0) -> 0.3;
        // d: missing (0) and 0.75 -> 0.375
        assertThat(fused).extracting(Fused::item).containsExactly("a", "c", "d", "b");
        assertThat(fused)
                .extracting(Fused::score)
                .usingElementComparator((x, y) -> Math.abs(x - y) < 1e-12 ? 0 : Double.compare(x, y))
                .containsExactly(0.5, 0.5, 0.375, 0.3);
    }

    @Test
    void zScoresGiveAMissingHitItsRankingsLowestScore() {
        List<Fused<String>> fused =
                ReciprocalRankFusion.fuseScored(BM25, DENSE, Fusion.normalised(Method.Z_SCORE, 0.8, 100), 2);

        assertThat(fused).extracting(Fused::item).containsExactly("a", "b");
    }

    @Test
    void aRankOnlyFusionRefusesNormalisedMethodsAndSharesAreChecked() {
        assertThatThrownBy(() -> ReciprocalRankFusion.fuse(
                        List.of("a"), List.of("b"), Fusion.normalised(Method.MIN_MAX, 0.5, 10), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs scores");
        assertThatThrownBy(() -> Fusion.normalised(Method.MIN_MAX, 1.5, 10))
                .hasMessageContaining("bm25Share must be in 0..1");
        assertThatThrownBy(() -> Fusion.normalised(Method.RRF, 0.5, 10)).hasMessageContaining("not RRF");
    }

    @Test
    void hybridSearchOfTheIndexUsesTheChosenFusion() {
        try (LuceneIndex index = LuceneIndex.builder().defaultEmbeddingModel().open()) {
            index.upsert(Document.of("wings", "Swept wings delay shock waves at transonic speed."));
            index.upsert(Document.of("turbines", "Gas turbines compress air before combustion."));
            index.commit();
            for (Fusion fusion : List.of(
                    Fusion.DEFAULT,
                    Fusion.RRF,
                    Fusion.normalised(Method.MIN_MAX, 0.5, 50),
                    Fusion.normalised(Method.Z_SCORE, 0.5, 50))) {
                List<Hit> hits = index.search(SearchRequest.builder("shock waves on wings")
                        .mode(SearchMode.HYBRID)
                        .fusion(fusion)
                        .k(2)
                        .build());
                assertThat(hits)
                        .as(fusion.method().name())
                        .first()
                        .extracting(Hit::documentId)
                        .isEqualTo("wings");
            }
        }
    }
}
