package dev.quarry.agent.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.segment.TextSegment;
import dev.quarry.testkit.RerankSimulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeClient;
import software.amazon.awssdk.services.bedrockagentruntime.model.ValidationException;

/** Bedrock's Rerank API as a langchain4j ScoringModel, through the real AWS SDK against the rerank simulator. */
class BedrockRerankingTest {

    static final String MODEL = "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0";

    static BedrockAgentRuntimeClient client(RerankSimulator simulator) {
        return BedrockAgentRuntimeClient.builder()
                .region(Region.US_WEST_2)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")))
                .endpointOverride(simulator.endpoint())
                .build();
    }

    @Test
    void everySegmentIsScoredInOneCallInTheOrderGiven() {
        try (RerankSimulator simulator = RerankSimulator.start();
                BedrockAgentRuntimeClient client = client(simulator)) {
            List<Double> scores = BedrockReranking.model(client, MODEL)
                    .scoreAll(
                            List.of(
                                    TextSegment.from("Invoices are paid by transfer."),
                                    TextSegment.from("Swept wings delay shock waves."),
                                    TextSegment.from("Wings flutter at transonic speed.")),
                            "swept wings shock")
                    .content();

            assertThat(scores).hasSize(3);
            assertThat(scores.get(0)).isZero();
            assertThat(scores.get(1)).isEqualTo(1.0);
            assertThat(scores.get(2)).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(simulator.requests()).singleElement().satisfies(body -> {
                assertThat(body.at("/queries/0/textQuery/text").asText()).isEqualTo("swept wings shock");
                assertThat(body.at("/sources/1/inlineDocumentSource/textDocument/text")
                                .asText())
                        .isEqualTo("Swept wings delay shock waves.");
                assertThat(body.at("/rerankingConfiguration/bedrockRerankingConfiguration/numberOfResults")
                                .asInt())
                        .isEqualTo(3);
                assertThat(body.at("/rerankingConfiguration/bedrockRerankingConfiguration/modelConfiguration"
                                        + "/modelArn")
                                .asText())
                        .isEqualTo(MODEL);
            });
        }
    }

    @Test
    void aRejectedRequestIsTheSdksTypedErrorAndABlankModelIsRefused() {
        try (RerankSimulator simulator = RerankSimulator.start((query, document) -> 0.5, Duration.ZERO, Duration.ZERO);
                BedrockAgentRuntimeClient client = client(simulator)) {
            assertThat(BedrockReranking.model(client, MODEL)
                            .scoreAll(List.of(), "q")
                            .content())
                    .isEmpty();
            assertThatThrownBy(() -> BedrockReranking.model(client, " "))
                    .hasMessageContaining("a rerank model ARN is needed");
            assertThatThrownBy(() -> BedrockReranking.model(client, MODEL).scoreAll(List.of(TextSegment.from("x")), ""))
                    .isInstanceOf(ValidationException.class);
        }
    }
}
