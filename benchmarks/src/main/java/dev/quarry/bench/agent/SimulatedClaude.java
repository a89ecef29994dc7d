package dev.quarry.bench.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.LatencyProfile;
import dev.quarry.testkit.Turn;
import java.time.Duration;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The Bedrock simulator with a script, and Claude on Bedrock pointed at it through the real AWS SDK. */
final class SimulatedClaude implements AutoCloseable {

    final BedrockSimulator simulator;
    final ClaudeOnBedrock claude;

    SimulatedClaude(LatencyProfile latency, Function<JsonNode, Turn> script) {
        this.simulator = BedrockSimulator.builder()
                .script(script)
                .latency(latency)
                .serverThreads(16)
                .start();
        this.claude = ClaudeOnBedrock.builder()
                .region("us-east-1")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                .endpointOverride(simulator.endpoint())
                .timeout(Duration.ofMinutes(2))
                .build();
    }

    /** The name of the tool whose result the request ends with, or empty when it ends with the user's text. */
    static String lastToolResultOf(JsonNode body) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        boolean result = false;
        for (JsonNode content : last.path("content")) {
            result |= content.has("toolResult");
        }
        if (!result || messages.size() < 2) {
            return "";
        }
        for (JsonNode content : messages.get(messages.size() - 2).path("content")) {
            if (content.has("toolUse")) {
                return content.path("toolUse").path("name").asText();
            }
        }
        return "";
    }

    @Override
    public void close() {
        claude.close();
        simulator.close();
    }
}
