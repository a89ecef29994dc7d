package dev.quarry.agent.bedrock;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeClient;
import software.amazon.awssdk.services.bedrockagentruntime.model.BedrockRerankingConfiguration;
import software.amazon.awssdk.services.bedrockagentruntime.model.BedrockRerankingModelConfiguration;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankDocument;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankDocumentType;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankQuery;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankQueryContentType;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankRequest;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankResponse;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankResult;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankSource;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankSourceType;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankTextDocument;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankingConfiguration;
import software.amazon.awssdk.services.bedrockagentruntime.model.RerankingConfigurationType;

/**
 * A Bedrock rerank model (Amazon Rerank, Cohere Rerank on Bedrock) as a langchain4j {@link ScoringModel},
 * through the Bedrock Agent Runtime {@code Rerank} API: every segment is scored against the query in one
 * call, and a segment the API leaves out of its results scores 0. Put it behind an index with
 * {@code new ScoringModelReranker(model)} and {@code RerankingRetriever}.
 *
 * <pre>{@code
 * ScoringModel rerank = BedrockReranking.model(BedrockAgentRuntimeClient.create(),
 *         "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0");
 * }</pre>
 */
public final class BedrockReranking implements ScoringModel {

    /** Most sources one Rerank call takes (the API's limit). */
    public static final int MAX_SOURCES = 1000;

    private final BedrockAgentRuntimeClient client;
    private final String modelArn;

    private BedrockReranking(BedrockAgentRuntimeClient client, String modelArn) {
        this.client = client;
        this.modelArn = modelArn;
    }

    /**
     * Scores with the rerank model {@code modelArn} through a client with the AWS default credentials and
     * region chain.
     */
    public static BedrockReranking model(String modelArn) {
        return model(BedrockAgentRuntimeClient.create(), modelArn);
    }

    /**
     * Scores with the rerank model {@code modelArn} through {@code client}.
     *
     * @throws IllegalArgumentException for a blank model ARN
     */
    public static BedrockReranking model(BedrockAgentRuntimeClient client, String modelArn) {
        Objects.requireNonNull(client, "client");
        if (modelArn == null || modelArn.isBlank()) {
            throw new IllegalArgumentException("a rerank model ARN is needed, for example"
                    + " arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0");
        }
        return new BedrockReranking(client, modelArn);
    }

    @Override
    public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
        if (segments.isEmpty()) {
            return Response.from(List.of());
        }
        if (segments.size() > MAX_SOURCES) {
            throw new IllegalArgumentException(
                    "Rerank takes at most " + MAX_SOURCES + " sources, got " + segments.size());
        }
        List<RerankSource> sources = segments.stream()
                .map(segment -> RerankSource.builder()
                        .type(RerankSourceType.INLINE)
                        .inlineDocumentSource(RerankDocument.builder()
                                .type(RerankDocumentType.TEXT)
                                .textDocument(RerankTextDocument.builder()
                                        .text(segment.text())
                                        .build())
                                .build())
                        .build())
                .toList();
        RerankResponse response = client.rerank(RerankRequest.builder()
                .queries(RerankQuery.builder()
                        .type(RerankQueryContentType.TEXT)
                        .textQuery(RerankTextDocument.builder().text(query).build())
                        .build())
                .sources(sources)
                .rerankingConfiguration(RerankingConfiguration.builder()
                        .type(RerankingConfigurationType.BEDROCK_RERANKING_MODEL)
                        .bedrockRerankingConfiguration(BedrockRerankingConfiguration.builder()
                                .numberOfResults(segments.size())
                                .modelConfiguration(BedrockRerankingModelConfiguration.builder()
                                        .modelArn(modelArn)
                                        .build())
                                .build())
                        .build())
                .build());
        List<Double> scores = new ArrayList<>(Collections.nCopies(segments.size(), 0.0));
        for (RerankResult result : response.results()) {
            if (result.index() != null && result.index() >= 0 && result.index() < scores.size()) {
                scores.set(
                        result.index(),
                        result.relevanceScore() == null
                                ? 0.0
                                : result.relevanceScore().doubleValue());
            }
        }
        return Response.from(scores);
    }
}
