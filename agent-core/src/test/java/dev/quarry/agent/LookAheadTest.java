package dev.quarry.agent;

import static dev.quarry.agent.TestTools.tool;
import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The one-turn route: predicted look-ups run first and the first model call sees their results. */
class LookAheadTest {

    static final Map<String, String> FACTS = Map.of("lyon", "Lyon has 520,000 people.", "nice", "Nice has 340,000.");

    /** Looks a city up; both predicted look-ups must be in flight together to pass the barrier. */
    static Tool search(CyclicBarrier together) {
        return tool("search", ToolPolicy.readOnly(), args -> {
            String q = args.get("q").asText();
            if (together != null && FACTS.containsKey(q)) {
                together.await(30, TimeUnit.SECONDS);
            }
            return ToolResult.of(
                    FACTS.getOrDefault(q, "nothing about " + q), List.of(new Citation(q, 0, 0, 4, q, "atlas")));
        });
    }

    static String firstUser(ChatRequest request) {
        return request.messages().stream()
                .filter(m -> m instanceof UserMessage)
                .map(m -> ((UserMessage) m).singleText())
                .findFirst()
                .orElse("");
    }

    /** Answers from what it was shown, or searches for what the task asks that it was not shown. */
    static ScriptedChatModel reader() {
        return ScriptedChatModel.replying(request -> {
            String seen = firstUser(request)
                    + request.messages().stream()
                            .filter(m -> m instanceof ToolExecutionResultMessage)
                            .map(m -> ((ToolExecutionResultMessage) m).text())
                            .reduce("", String::concat);
            List<String> missing = FACTS.keySet().stream()
                    .sorted()
                    .filter(city -> !seen.contains(FACTS.get(city)))
                    .toList();
            if (missing.isEmpty()) {
                return AiMessage.from("Lyon is bigger [lyon]");
            }
            return toolCalls(call("s-" + missing.getFirst(), "search", "{\"q\":\"" + missing.getFirst() + "\"}"));
        });
    }

    @Test
    void rightPredictionsRunTogetherFirstAndTheModelAnswersInOneTurn() {
        ScriptedChatModel model = reader();
        AgentResult result = Agent.builder()
                .model(model)
                .systemPrompt("Compare cities.")
                .tool(search(new CyclicBarrier(2)))
                .lookAhead(LookAhead.withArgument("search", "q", task -> List.of("lyon", "nice")))
                .build()
                .run("Which is bigger, Lyon or Nice?");

        assertThat(result.answer()).isEqualTo("Lyon is bigger [lyon]");
        assertThat(model.requests()).hasSize(1);
        ChatRequest first = model.requests().getFirst();
        assertThat(firstUser(first))
                .startsWith("Which is bigger, Lyon or Nice?")
                .contains(LookAhead.CONTEXT_HEADING, "search {\"q\":\"lyon\"}", FACTS.get("lyon"), FACTS.get("nice"));
        assertThat(((SystemMessage) first.messages().getFirst()).text()).isEqualTo("Compare cities.");
        assertThat(result.steps()).extracting(StepResult::stepId).containsExactly("lookahead-1", "lookahead-2");
        // only the prediction the answer names is cited
        assertThat(result.citations()).extracting(Citation::documentId).containsExactly("lyon");
    }

    @Test
    void aWrongPredictionCostsItsCallAndTheModelAsksForWhatIsMissing() {
        ScriptedChatModel model = reader();
        AgentResult result = Agent.builder()
                .model(model)
                .tool(search(null))
                .lookAhead(LookAhead.withArgument("search", "q", task -> List.of("lyon", "monaco")))
                .build()
                .run("Which is bigger, Lyon or Nice?");

        assertThat(result.answer()).isEqualTo("Lyon is bigger [lyon]");
        assertThat(model.requests()).hasSize(2);
        assertThat(result.steps())
                .extracting(StepResult::stepId)
                .containsExactly("lookahead-1", "lookahead-2", "s-nice");
        // the second call still sees the predictions, and the answer the model found itself
        assertThat(firstUser(model.requests().get(1))).contains(FACTS.get("lyon"), "nothing about monaco");
    }

    @Test
    void buildRefusesAnUnknownOrSideEffectingTool() {
        assertThatThrownBy(() -> Agent.builder()
                        .model(reader())
                        .tool(tool("send", ToolPolicy.sideEffects(), args -> ToolResult.of("sent")))
                        .lookAhead(LookAhead.withArgument("send", "q", task -> List.of("x")))
                        .lookAhead(LookAhead.withArgument("search", "q", task -> List.of("x")))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the look-ahead calls tool 'send', which has side effects")
                .hasMessageContaining("the look-ahead calls tool 'search', which is not registered");
    }

    @Test
    void aGraphPlanSeesThePredictionsAndCanAnswerWithoutSteps() {
        ScriptedChatModel planner = ScriptedChatModel.replying(request -> AiMessage.from(
                firstUser(request).contains(FACTS.get("lyon"))
                                && firstUser(request).contains(FACTS.get("nice"))
                        ? "{\"answer\": \"Lyon is bigger [lyon]\"}"
                        : "{\"id\": 1, \"tool\": \"search\", \"args\": {\"q\": \"lyon\"}}"));
        AgentResult result = Agent.builder()
                .model(planner)
                .planner(dev.quarry.agent.plan.Planner.graph())
                .tool(search(null))
                .lookAhead(LookAhead.withArgument("search", "q", task -> List.of("lyon", "nice")))
                .build()
                .run("Which is bigger, Lyon or Nice?");

        assertThat(result.answer()).isEqualTo("Lyon is bigger [lyon]");
        assertThat(planner.requests()).hasSize(1);
        assertThat(result.steps()).extracting(StepResult::stepId).containsExactly("lookahead-1", "lookahead-2");
    }
}
