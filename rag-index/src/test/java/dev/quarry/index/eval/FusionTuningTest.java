package dev.quarry.index.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tuning fusion on judgments: nested cross-validation, the minimum, the index it needs, unknown documents. */
class FusionTuningTest {

    static final String[] TOPICS = {
        "turbine blades", "swept wings", "rocket nozzles", "landing gear", "jet fuel", "cabin pressure",
        "radar altimeters", "propeller pitch", "wing flutter", "heat shields", "autopilot modes", "de-icing boots",
        "fuel pumps", "tail rotors", "air brakes", "flap settings", "engine mounts", "compressor stalls",
        "pitot tubes", "rudder pedals", "weather radar", "oxygen masks", "seat belts", "cargo doors"
    };

    static LuceneIndex index;

    @BeforeAll
    static void index() {
        index = LuceneIndex.builder().defaultEmbeddingModel().open();
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < TOPICS.length; i++) {
            documents.add(Document.of(
                    "doc-" + i,
                    "A note on " + TOPICS[i] + ": how " + TOPICS[i]
                            + " are inspected, what wears out, and when they are replaced on an aircraft."));
        }
        index.upsertAll(documents);
        index.commit();
    }

    @AfterAll
    static void close() {
        index.close();
    }

    static TestCollection collection(int queries, boolean withUnknown) {
        Map<String, String> texts = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> judgments = new LinkedHashMap<>();
        for (int i = 0; i < queries; i++) {
            texts.put("q" + i, "when are " + TOPICS[i] + " replaced");
            judgments.put(
                    "q" + i, withUnknown && i == 0 ? Map.of("doc-0", 1, "not-indexed", 1) : Map.of("doc-" + i, 1));
        }
        return new TestCollection(List.of(), texts, judgments);
    }

    @Test
    void tuningChoosesOnTrainingFoldsOnlyAndReportsHeldOutScoresAgainstTheDefaultAndEachRetriever() {
        FusionTuning.Result result = FusionTuning.tune(index, collection(24, true), 10, 4, 3);

        assertThat(result.queries()).isEqualTo(24);
        assertThat(result.folds()).isEqualTo(4);
        assertThat(result.foldChoices()).hasSize(4);
        assertThat(FusionTuning.grid()).extracting(Evaluation.Variant::name).contains(result.chosenName());
        assertThat(result.heldOut()).isBetween(0.0, 1.0);
        assertThat(result.defaultFusion()).isBetween(0.0, 1.0);
        assertThat(result.pDefault()).isBetween(0.0, 1.0);
        assertThat(result.unknownJudged()).isEqualTo(1);
        assertThat(result.markdown())
                .contains("Fusion tuned on 24 judged queries, nDCG@10 with k = 10 hits, 4-fold nested cross-validation")
                .contains("| default fusion (z-score, 0.5) |")
                .contains("Chosen on every query (to deploy): " + result.chosenName())
                .contains("warning: 1 judged document ids are not in the index");
    }

    @Test
    void tooFewJudgedQueriesOrNoVectorsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> FusionTuning.tune(index, collection(12, false), 10, 5, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tuning needs at least 20 judged queries and got 12");
        try (LuceneIndex bm25Only = LuceneIndex.builder().open()) {
            assertThatThrownBy(() -> FusionTuning.tune(bm25Only, collection(24, false), 10, 5, 3))
                    .hasMessageContaining("needs an index with embeddings");
        }
        assertThatThrownBy(() -> FusionTuning.tune(index, collection(24, false), 10, 1, 3))
                .hasMessageContaining("folds must be in 2..24");
    }
}
