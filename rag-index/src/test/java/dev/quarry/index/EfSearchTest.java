package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The candidate list of a vector search: with structureless vectors (the hardest case for a graph), a search
 * that keeps only the hits it returns misses many exact neighbours; the default keeps enough to find nearly all.
 */
class EfSearchTest {

    /** Unit vectors seeded by each text: no semantic structure. */
    static final class SeededVectors implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            List<Embedding> embeddings = new ArrayList<>();
            for (TextSegment segment : segments) {
                SplittableRandom random = new SplittableRandom(segment.text().hashCode());
                float[] vector = new float[64];
                double norm = 0;
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = (float) random.nextGaussian();
                    norm += vector[i] * vector[i];
                }
                for (int i = 0; i < vector.length; i++) {
                    vector[i] /= (float) Math.sqrt(norm);
                }
                embeddings.add(Embedding.from(vector));
            }
            return Response.from(embeddings);
        }

        @Override
        public int dimension() {
            return 64;
        }
    }

    static final int DOCUMENTS = 3_000;
    static final List<String> QUERIES =
            IntStream.range(0, 40).mapToObj(q -> "query " + q).toList();

    @Test
    void theDefaultCandidateListFindsNearlyAllExactNeighboursWhereTheHitsAloneDoNot() {
        SeededVectors model = new SeededVectors();
        List<Document> documents = IntStream.range(0, DOCUMENTS)
                .mapToObj(n -> new Document("d" + n, "text " + n, "", "", Map.of()))
                .toList();
        try (LuceneIndex narrow = open(model, 10);
                LuceneIndex wide = open(model, LuceneIndex.DEFAULT_EF_SEARCH)) {
            for (LuceneIndex index : List.of(narrow, wide)) {
                index.upsertAll(documents);
                index.commit();
            }
            double narrowRecall = recall(narrow, model);
            double defaultRecall = recall(wide, model);
            assertThat(defaultRecall)
                    .as("recall@10 with the default %s, with 10 candidates %s", defaultRecall, narrowRecall)
                    .isGreaterThanOrEqualTo(0.95)
                    .isGreaterThan(narrowRecall + 0.05);
            assertThat(wide.search(SearchRequest.builder("query 1")
                            .mode(SearchMode.VECTOR)
                            .k(3)
                            .build()))
                    .hasSize(3);
        }
        assertThatThrownBy(() -> LuceneIndex.builder().efSearch(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("efSearch must be at least 1");
    }

    private static LuceneIndex open(SeededVectors model, int efSearch) {
        return LuceneIndex.builder()
                .embeddingModel(model)
                .quantizeVectors(false)
                .efSearch(efSearch)
                .open();
    }

    private static double recall(LuceneIndex index, SeededVectors model) {
        double found = 0;
        for (String query : QUERIES) {
            float[] q = model.embed(query).content().vector();
            Set<String> truth = IntStream.range(0, DOCUMENTS)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer n) ->
                            -dot(q, model.embed("text " + n).content().vector())))
                    .limit(10)
                    .map(n -> "d" + n)
                    .collect(Collectors.toSet());
            found += index
                            .search(SearchRequest.builder(query)
                                    .mode(SearchMode.VECTOR)
                                    .k(10)
                                    .build())
                            .stream()
                            .map(Hit::documentId)
                            .filter(truth::contains)
                            .count()
                    / 10.0;
        }
        return found / QUERIES.size();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
