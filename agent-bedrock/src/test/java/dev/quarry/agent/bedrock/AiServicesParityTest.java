package dev.quarry.agent.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;
import dev.quarry.agent.Agent;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.CapturedRequest;
import dev.quarry.testkit.Turn;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One {@code @Tool} class written for LangChain4j {@code AiServices} runs unchanged under Quarry, and the
 * model receives the same tool-result text from both: the same scripted Bedrock turn asks for every tool,
 * once through AiServices and once through a Quarry agent, and the captured Converse requests are compared.
 * ({@code Optional} results are left out: AiServices 1.16.3 fails the whole call on one, Quarry unwraps it;
 * see {@code AgentTest}.)
 */
class AiServicesParityTest {

    enum Level {
        LOW,
        HIGH
    }

    record Address(String street, String city) {}

    record Person(String name, int age, Address address, List<String> tags) {}

    /** Plain AiServices tools: no Quarry annotation anywhere. */
    static class ParityTools {
        final AtomicInteger failures = new AtomicInteger();

        @Tool("Today's date")
        LocalDate today(@P("time zone") String zone) {
            return LocalDate.of(2026, 11, 29);
        }

        @Tool("When the meeting starts on a day")
        LocalDateTime meeting(@P("the day") LocalDate day) {
            return day.atTime(10, 30);
        }

        @Tool("A person's record")
        Person person(@P("name") String name) {
            return new Person(name, 42, new Address("1 Rue de la Paix", "Lyon"), List.of("admin", "ops"));
        }

        @Tool("The initial of a name")
        char initial(@P("name") String name) {
            return name.charAt(0);
        }

        @Tool("The level of a score")
        Level level(@P("score") int score) {
            return score > 5 ? Level.HIGH : Level.LOW;
        }

        @Tool("The numbers below n")
        List<Integer> range(@P("n") int n) {
            return java.util.stream.IntStream.range(0, n).boxed().toList();
        }

        @Tool("Counts words")
        Map<String, Integer> counts(@P("words") List<String> words) {
            Map<String, Integer> counts = new TreeMap<>();
            words.forEach(w -> counts.merge(w, 1, Integer::sum));
            return counts;
        }

        @Tool("Remembers a note")
        void remember(@P("note") String note) {}

        @Tool("Half of x")
        double half(@P("x") double x) {
            return x / 2;
        }

        @Tool("Whether n is even")
        boolean isEven(@P("n") long n) {
            return n % 2 == 0;
        }

        @Tool("Moves an address to another city")
        Address move(@P("the address") Address from, @P("the new city") String city) {
            return new Address(from.street(), city);
        }

        @Tool("How many distinct levels")
        int distinct(@P("levels") java.util.Set<Level> levels) {
            return levels.size();
        }

        @Tool("Always fails")
        String broken(@P("why") String why) {
            failures.incrementAndGet();
            throw new IllegalStateException("broken on purpose: " + why);
        }
    }

    static final Turn EVERY_TOOL = Turn.toolUse(
            "",
            new Turn.ToolUse("t1", "today", "{\"zone\":\"Europe/Paris\"}"),
            new Turn.ToolUse("t2", "meeting", "{\"day\":{\"year\":2026,\"month\":12,\"day\":1}}"),
            new Turn.ToolUse("t3", "person", "{\"name\":\"Ada\"}"),
            new Turn.ToolUse("t4", "initial", "{\"name\":\"Joanna\"}"),
            new Turn.ToolUse("t5", "level", "{\"score\":7}"),
            new Turn.ToolUse("t6", "range", "{\"n\":4}"),
            new Turn.ToolUse("t7", "counts", "{\"words\":[\"a\",\"b\",\"a\"]}"),
            new Turn.ToolUse("t8", "remember", "{\"note\":\"buy milk\"}"),
            new Turn.ToolUse("t9", "half", "{\"x\":5}"),
            new Turn.ToolUse("t10", "isEven", "{\"n\":10}"),
            new Turn.ToolUse("t11", "move", "{\"from\":{\"street\":\"2 Quai\",\"city\":\"Lyon\"},\"city\":\"Nice\"}"),
            new Turn.ToolUse("t12", "distinct", "{\"levels\":[\"LOW\",\"HIGH\",\"LOW\"]}"),
            new Turn.ToolUse("t13", "broken", "{\"why\":\"test\"}"));

    interface Assistant {
        String chat(String message);
    }

    /** toolUseId to the text of its result, from the request that carried the results. */
    static Map<String, String> toolResults(CapturedRequest request) {
        Map<String, String> results = new LinkedHashMap<>();
        for (JsonNode message : request.messages()) {
            for (JsonNode block : message.path("content")) {
                JsonNode result = block.path("toolResult");
                if (!result.isMissingNode()) {
                    results.put(
                            result.path("toolUseId").asText(),
                            result.path("content").get(0).path("text").asText());
                }
            }
        }
        return results;
    }

    @Test
    void everyToolSendsTheModelTheSameResultTextAsUnderAiServices() {
        Map<String, String> fromAiServices;
        ParityTools langchain4jTools = new ParityTools();
        try (BedrockSimulator simulator =
                BedrockSimulator.builder().turns(EVERY_TOOL, Turn.text("done")).start()) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(BedrockEndToEndTest.claude(simulator).chatModel())
                    .tools(langchain4jTools)
                    .build();
            assertThat(assistant.chat("use every tool")).isEqualTo("done");
            fromAiServices = toolResults(simulator.requests().get(1));
        }
        Map<String, String> fromQuarry;
        ParityTools quarryTools = new ParityTools();
        try (BedrockSimulator simulator =
                BedrockSimulator.builder().turns(EVERY_TOOL, Turn.text("done")).start()) {
            var result = Agent.builder()
                    .model(BedrockEndToEndTest.claude(simulator).chatModel())
                    .toolsFrom(quarryTools)
                    .approvalHandler(ApprovalHandler.approveAll()) // AiServices has no approval step
                    .build()
                    .run("use every tool");
            assertThat(result.answer()).isEqualTo("done");
            assertThat(result.steps())
                    .filteredOn(s -> !s.tool().equals("broken"))
                    .extracting(StepResult::status)
                    .containsOnly(StepStatus.SUCCEEDED);
            fromQuarry = toolResults(simulator.requests().get(1));
        }
        assertThat(fromAiServices).hasSize(13);
        assertThat(fromQuarry).isEqualTo(fromAiServices);
        assertThat(fromQuarry.get("t1")).contains("2026-11-29");
        assertThat(quarryTools.failures).as("a failure is not retried").hasValue(1);
    }
}
