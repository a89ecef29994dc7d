package dev.quarry.bench.retrieval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Unit vectors drawn from a generator seeded by each text: reproducible and fast, with no semantic
 * structure. The latency benchmark stores them as the embeddings of its 100,000 synthetic chunks because
 * embedding that many with the real BGE model takes most of an hour on two cores; structureless vectors are
 * the hardest case for an HNSW graph, so the query latencies measured on them are, if anything, pessimistic.
 * It is a load generator, never a model for answering anything.
 */
final class SeededVectors implements EmbeddingModel {

    private final int dimension;
    private final long seed;

    SeededVectors(int dimension, long seed) {
        this.dimension = dimension;
        this.seed = seed;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<Embedding> embeddings = new ArrayList<>(segments.size());
        for (TextSegment segment : segments) {
            SplittableRandom random = new SplittableRandom(seed ^ segment.text().hashCode());
            float[] vector = new float[dimension];
            double norm = 0;
            for (int i = 0; i < dimension; i++) {
                vector[i] = (float) random.nextGaussian();
                norm += vector[i] * vector[i];
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < dimension; i++) {
                vector[i] *= scale;
            }
            embeddings.add(Embedding.from(vector));
        }
        return Response.from(embeddings);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String modelName() {
        return "seeded-random-" + dimension;
    }
}
