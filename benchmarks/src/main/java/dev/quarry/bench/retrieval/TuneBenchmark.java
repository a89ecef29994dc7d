package dev.quarry.bench.retrieval;

import dev.quarry.agent.bedrock.BedrockReranking;
import dev.quarry.bench.Percentiles;
import dev.quarry.index.Hit;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.RerankingRetriever;
import dev.quarry.index.ScoringModelReranker;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import dev.quarry.index.eval.FusionTuning;
import dev.quarry.index.eval.TestCollection;
import dev.quarry.testkit.RerankSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeClient;

/**
 * {@code ./bench tune}: what {@code quarry eval --tune} does on a collection (Cranfield by default): the
 * nested cross-validated score of the tuned fusion against the default and each single retriever, and how
 * long tuning takes; then what the reranking stage costs beside the search itself, on the Bedrock Rerank
 * simulator through the real AWS SDK with no service time (so the figure is Quarry's and the SDK's own
 * overhead, not a model's): hybrid search p50 alone, and with the top 50 reranked.
 */
public final class TuneBenchmark {

    private TuneBenchmark() {}

    public static void main(String[] args) {
        CollectionOptions options = new CollectionOptions();
        for (int i = 0; i < args.length; i++) {
            int taken = options.take(args, i);
            if (taken < 0) {
                System.err.print("usage: bench tune [options]\n" + CollectionOptions.USAGE);
                System.exit(2);
            }
            i = taken;
        }
        TestCollection collection = options.read();
        long start = System.nanoTime();
        try (LuceneIndex index = LuceneIndex.builder().defaultEmbeddingModel().open()) {
            index.upsertAll(collection.documents());
            index.commit();
            System.out.printf(
                    Locale.ROOT,
                    "indexed %d documents in %.1f s%n%n",
                    collection.documents().size(),
                    (System.nanoTime() - start) / 1e9);
            System.out.print(FusionTuning.tune(index, collection, 10, 5, 35).markdown());
            System.out.print(rerankCost(index, collection));
        }
    }

    static String rerankCost(LuceneIndex index, TestCollection collection) {
        List<String> queries = new ArrayList<>(collection.queries().values());
        try (RerankSimulator simulator = RerankSimulator.start();
                BedrockAgentRuntimeClient client = BedrockAgentRuntimeClient.builder()
                        .region(Region.US_WEST_2)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                        .endpointOverride(simulator.endpoint())
                        .build()) {
            List<Duration> rerankTimes = new ArrayList<>();
            RerankingRetriever reranking = RerankingRetriever.of(
                            index,
                            new ScoringModelReranker(BedrockReranking.model(
                                    client, "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0")),
                            50)
                    .onRerank(rerankTimes::add);
            int n = Math.min(200, queries.size());
            double[] plain = new double[n];
            double[] withRerank = new double[n];
            for (int round = 0; round < 2; round++) { // the first round warms up
                for (int i = 0; i < n; i++) {
                    SearchRequest request = SearchRequest.builder(queries.get(i))
                            .mode(SearchMode.HYBRID)
                            .k(10)
                            .build();
                    long t0 = System.nanoTime();
                    List<Hit> hits = index.search(request);
                    long t1 = System.nanoTime();
                    List<Hit> reranked = reranking.search(request);
                    long t2 = System.nanoTime();
                    plain[i] = (t1 - t0) / 1e6;
                    withRerank[i] = (t2 - t1) / 1e6;
                    if (hits.isEmpty() || reranked.isEmpty()) {
                        throw new IllegalStateException("no hits for " + queries.get(i));
                    }
                }
            }
            double[] rerankOnly = rerankTimes.subList(rerankTimes.size() - n, rerankTimes.size()).stream()
                    .mapToDouble(d -> d.toNanos() / 1e6)
                    .toArray();
            return String.format(
                    Locale.ROOT,
                    "%nReranking the top 50 of a hybrid search (k = 10), %d queries, p50 / p90 ms: search alone %.2f /"
                            + " %.2f; search with the top 50 reranked %.2f / %.2f; the rerank call alone %.2f / %.2f"
                            + " (the simulator answers at once: SDK, HTTP and JSON only; a real rerank model's time comes"
                            + " on top)%n",
                    n,
                    Percentiles.nearestRank(plain, 0.5),
                    Percentiles.nearestRank(plain, 0.9),
                    Percentiles.nearestRank(withRerank, 0.5),
                    Percentiles.nearestRank(withRerank, 0.9),
                    Percentiles.nearestRank(rerankOnly, 0.5),
                    Percentiles.nearestRank(rerankOnly, 0.9));
        }
    }
}
