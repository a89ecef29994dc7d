package dev.quarry.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.tool.Policy;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.ConverseBodies;
import dev.quarry.testkit.Turn;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Shared pieces of the suite: Claude on Bedrock pointed at a simulator with planted credentials, a
 * two-look-up task the simulated model answers from the tool results it is sent, and thread dumps.
 */
final class Simulated {

    /** Planted in every client's credentials; {@link SecretsTest} checks it never leaks. */
    static final String SECRET_ACCESS_KEY = "hostileSECRETkey/7f3a9c1e5b2d8f0a";

    static final String ACCESS_KEY_ID = "AKIAHOSTILETEST0001";

    private static final Pattern RUN = Pattern.compile("Run (-?\\d+):");

    private Simulated() {}

    static ClaudeOnBedrock claude(BedrockSimulator simulator, int maxConnections) {
        return ClaudeOnBedrock.builder()
                .region("us-east-1")
                .credentials(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .endpointOverride(simulator.endpoint())
                .timeout(Duration.ofSeconds(30))
                .maxConnections(maxConnections)
                .build();
    }

    /** The task of run {@code n}. */
    static String task(int n) {
        return "Run " + n + ": what is the total of alpha-" + n + " and beta-" + n + "?";
    }

    /** The answer the agent must give for run {@code n}. */
    static String answer(int n) {
        return "Total for run " + n + " is " + (Lookup.value("alpha-" + n) + Lookup.value("beta-" + n)) + ".";
    }

    /** The simulated model: look both values up in one turn, then add the results it was sent. */
    static Turn sumOfTwoLookups(JsonNode request) {
        int run = runOf(request);
        List<String> results = toolResults(request);
        if (results.isEmpty()) {
            return Turn.toolUse(
                    "",
                    new Turn.ToolUse("a", "lookup", "{\"key\":\"alpha-" + run + "\"}"),
                    new Turn.ToolUse("b", "lookup", "{\"key\":\"beta-" + run + "\"}"));
        }
        long total = results.stream().mapToLong(r -> Long.parseLong(r.strip())).sum();
        return Turn.text("Total for run " + run + " is " + total + ".");
    }

    /** The run number named in the request's first user message. */
    static int runOf(JsonNode request) {
        Matcher matcher = RUN.matcher(ConverseBodies.firstUserText(request));
        if (!matcher.find()) {
            throw new IllegalStateException("no run number in request");
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** How many assistant turns the request carries: which model call of its run it is. */
    static int assistantTurns(JsonNode request) {
        return ConverseBodies.assistantTurns(request);
    }

    /** The text of every tool result the request carries, in order. */
    static List<String> toolResults(JsonNode request) {
        return List.copyOf(ConverseBodies.toolResults(request).values());
    }

    /**
     * Names of the live Quarry threads that are doing something, virtual ones included, from a JSON thread
     * dump of this JVM: every {@code quarry-} thread except the scheduler's idle tool threads, which wait in
     * their pool for the next tool call (and end after 30 s without one).
     */
    static List<String> busyQuarryThreads() throws Exception {
        Path dump = Files.createTempFile("threads", ".json");
        Files.delete(dump);
        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dump.toFile());
        Files.delete(dump);
        List<String> names = new ArrayList<>();
        for (JsonNode container : root.path("threadDump").path("threadContainers")) {
            for (JsonNode thread : container.path("threads")) {
                String name = thread.path("name").asText();
                boolean idleInPool = name.startsWith("quarry-tool-")
                        && thread.path("stack").toString().contains("ThreadPoolExecutor.getTask");
                if (name.startsWith("quarry-") && !idleInPool) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The look-up tool of the simulated task: a value derived from the key. */
    static final class Lookup {
        @Tool("Looks up the numeric value of a key.")
        @Policy(sideEffecting = false)
        public String lookup(@P("the key") String key) {
            return Long.toString(value(key));
        }

        static long value(String key) {
            return Math.floorMod(key.hashCode(), 1000);
        }
    }
}
