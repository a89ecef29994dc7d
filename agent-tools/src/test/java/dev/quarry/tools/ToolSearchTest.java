package dev.quarry.tools;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.plan.GraphPlanner;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A large catalog behind search_tools: the model sees a few tools and finds the rest. */
class ToolSearchTest {

    private final AtomicInteger forecasts = new AtomicInteger();

    /** 300 tools: a forecast tool, a calendar tool, and 298 others about unrelated things. */
    private List<Tool> catalog() {
        List<Tool> tools = new ArrayList<>();
        tools.add(tool("get_weather_forecast", "Weather forecast for a city: temperature and rain.", "city", args -> {
            forecasts.incrementAndGet();
            return ToolResult.of("Lyon: 14C, light rain");
        }));
        tools.add(tool(
                "calendarEvents", "Events in the user's calendar on a day.", "day", args -> ToolResult.of("none")));
        String[] topics = {"invoice", "shipment", "ticket", "repository", "container", "payroll", "lead", "asset"};
        for (int i = 0; tools.size() < 300; i++) {
            String topic = topics[i % topics.length];
            tools.add(tool(
                    topic + "_action_" + i,
                    "Performs action " + i + " on a " + topic + " record.",
                    topic + "Id",
                    args -> ToolResult.of("done")));
        }
        return tools;
    }

    /** A tool body that needs only its arguments. */
    interface Body {
        ToolResult run(com.fasterxml.jackson.databind.node.ObjectNode arguments);
    }

    private static Tool tool(String name, String description, String parameter, Body body) {
        return Tool.of(
                ToolSpecification.builder()
                        .name(name)
                        .description(description)
                        .parameters(JsonObjectSchema.builder()
                                .addStringProperty(parameter, "the " + parameter)
                                .required(parameter)
                                .build())
                        .build(),
                ToolPolicy.readOnly(),
                (args, context) -> body.run(args));
    }

    private static List<String> shown(ChatRequest request) {
        return request.toolSpecifications().stream()
                .map(ToolSpecification::name)
                .toList();
    }

    @Test
    void theModelSeesSearchAndTheAlwaysOnToolsThenWhatItFound() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("s1", "search_tools", "{\"query\":\"weather forecast for a city\"}")),
                toolCalls(call("f1", "get_weather_forecast", "{\"city\":\"Lyon\"}")),
                AiMessage.from("14C and light rain"));

        AgentResult result = Agent.builder()
                .model(model)
                .tools(catalog())
                .plugin(ToolSearch.builder()
                        .alwaysOn("calendarEvents")
                        .maxResults(3)
                        .build())
                .build()
                .run("Weather in Lyon?");

        assertThat(result.answer()).isEqualTo("14C and light rain");
        assertThat(forecasts).hasValue(1);
        assertThat(shown(model.requests().get(0))).containsExactly("calendarEvents", "search_tools");
        List<String> afterSearch = shown(model.requests().get(1));
        assertThat(afterSearch)
                .contains("calendarEvents", "search_tools", "get_weather_forecast")
                .hasSizeLessThan(6);
        ToolExecutionResultMessage found =
                (ToolExecutionResultMessage) model.requests().get(1).messages().getLast();
        assertThat(found.text()).startsWith("Found ").contains("- get_weather_forecast: Weather forecast for a city");
        assertThat(result.trace().spans()).anyMatch(span -> span.id().equals("s1"));
    }

    /** Tools written as langchain4j {@code @Tool} methods. */
    public static final class Currency {
        @dev.langchain4j.agent.tool.Tool("Converts an amount of money from one currency to another at today's rate")
        @dev.quarry.agent.tool.Policy(sideEffecting = false)
        public String convertCurrency(
                @dev.langchain4j.agent.tool.P(name = "amount", value = "the amount") double amount,
                @dev.langchain4j.agent.tool.P(name = "to", value = "the currency wanted") String to) {
            return amount * 2 + " " + to;
        }
    }

    @Test
    void annotatedToolMethodsAreFoundLikeAnyOther() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("s1", "search_tools", "{\"query\":\"convert money to another currency\"}")),
                toolCalls(call("c1", "convertCurrency", "{\"amount\":10,\"to\":\"EUR\"}")),
                AiMessage.from("20 EUR"));

        AgentResult result = Agent.builder()
                .model(model)
                .tools(catalog())
                .toolsFrom(new Currency())
                .plugin(ToolSearch.builder().maxResults(2).build())
                .build()
                .run("How much is 10 USD in EUR?");

        assertThat(result.answer()).isEqualTo("20 EUR");
        assertThat(shown(model.requests().get(1))).contains("convertCurrency");
        assertThat(result.steps().get(1).text()).isEqualTo("20.0 EUR");
    }

    @Test
    void underTheThresholdEveryToolIsShownAndSearchIsNot() {
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("ok"));
        Agent.builder()
                .model(model)
                .tools(catalog().subList(0, 10))
                .plugin(ToolSearch.builder().threshold(30).build())
                .build()
                .run("anything");

        assertThat(shown(model.requests().getFirst())).hasSize(10).doesNotContain("search_tools");
    }

    @Test
    void aGraphPlanMayNameOnlyToolsItHasFound() {
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            String instructions = ((SystemMessage) request.messages().getFirst()).text();
            boolean forecastShown = instructions.contains("- get_weather_forecast:");
            boolean refusedBefore = request.messages().stream()
                    .anyMatch(m -> m.toString().contains("unknown tool 'get_weather_forecast'"));
            if (!forecastShown && !refusedBefore) {
                return AiMessage.from(
                        "{\"id\": 1, \"tool\": \"get_weather_forecast\", \"args\": {\"city\": \"Lyon\"}}");
            }
            if (!forecastShown && !GraphPlanner.isJoinRequest(request)) {
                return AiMessage.from("{\"id\": 1, \"tool\": \"search_tools\", \"args\": {\"query\": \"weather\"}}");
            }
            if (GraphPlanner.isJoinRequest(request)) {
                return AiMessage.from(GraphPlanner.REPLAN + " call the forecast tool you found");
            }
            return AiMessage.from("{\"id\": 2, \"tool\": \"get_weather_forecast\", \"args\": {\"city\": \"Lyon\"}}\n"
                    + "{\"answer\": \"$2\"}");
        });

        AgentResult result = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .tools(catalog())
                .plugin(ToolSearch.builder().build())
                .build()
                .run("Weather in Lyon?");

        assertThat(result.answer()).isEqualTo("Lyon: 14C, light rain");
        assertThat(forecasts).hasValue(1);
        assertThat(((SystemMessage) model.requests().getFirst().messages().getFirst()).text())
                .contains("- search_tools:")
                .doesNotContain("get_weather_forecast");
    }

    @Test
    void anAlwaysOnToolTheAgentLacksIsAConfigurationProblem() {
        assertThatThrownBy(() -> Agent.builder()
                        .model(ScriptedChatModel.turns(AiMessage.from("x")))
                        .tools(catalog())
                        .plugin(ToolSearch.builder().alwaysOn("no_such_tool").build())
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ToolSearch keeps tool 'no_such_tool' always on");
    }

    @Test
    void toolNamesAreSplitIntoWordsForBm25() {
        assertThat(ToolSearch.words("get_weatherForecast-v2")).isEqualTo("get weather Forecast v2");
    }
}
