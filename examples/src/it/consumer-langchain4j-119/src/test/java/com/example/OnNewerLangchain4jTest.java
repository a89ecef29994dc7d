package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.index.Document;
import dev.quarry.index.Hit;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.Turn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Quarry on an application whose langchain4j-core is 1.19.0. */
class OnNewerLangchain4jTest {

    @Test
    void theApplicationsLangchain4jCoreIs119() {
        String jar = ChatModel.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertTrue(jar.endsWith("langchain4j-core-1.19.0.jar"), jar);
    }

    @Test
    void claudeOnBedrockCallsTheToolsAndStreamsTheAnswer() {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                        .script(body -> body.path("messages").size() == 1
                                ? Turn.toolUse("", new Turn.ToolUse("t1", "search", "{\"query\":\"A-17\"}"))
                                : Turn.text("A-17 shipped on Monday."))
                        .start();
                ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                        .region("us-east-1")
                        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")))
                        .endpointOverride(simulator.endpoint())
                        .build()) {
            AgentResult result = Assistant.onBedrock(claude).run("Where is order A-17?");

            assertEquals("A-17 shipped on Monday.", result.answer());
            assertEquals(1, result.steps().size(), result.toString());
            assertTrue(result.steps().getFirst().text().contains("shipped on Monday"), result.toString());
        }
    }

    @Test
    void theInProcessEmbeddingsRankHybridSearch() {
        try (LuceneIndex index = LuceneIndex.builder().defaultEmbeddingModel().open()) {
            index.upsertAll(List.of(
                    new Document("ships", "The order left the warehouse by truck on Monday.", "Shipping", "", Map.of()),
                    new Document("pays", "Invoices are paid by bank transfer within thirty days.", "Billing", "", Map.of())));
            index.commit();
            List<Hit> hits = index.search(SearchRequest.builder("when was the parcel dispatched")
                    .mode(SearchMode.HYBRID)
                    .k(1)
                    .build());
            assertEquals("ships", hits.getFirst().documentId());
        }
    }
}
