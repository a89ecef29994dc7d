package dev.quarry.agent;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.plan.GraphPlanner;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Retrieval prefetch: a search for the task starts with the first model call, and its result is offered to
 * the model: appended to the first tool turn's results (native tool use), or named in the plan instructions
 * so a plan can use {@code ${prefetch}} (graph planner). When the model asks for the same search, the call
 * is served by deduplication and nothing is added.
 */
class PrefetchTest {

    static final String TASK = "How hot do turbine blades get?";

    final AtomicInteger searches = new AtomicInteger();

    Tool search() {
        return Tool.of(
                ToolSpecification.builder()
                        .name("search")
                        .description("searches the documents")
                        .parameters(JsonObjectSchema.builder()
                                .addStringProperty("query", "what to find")
                                .required("query")
                                .build())
                        .build(),
                ToolPolicy.readOnly(),
                (arguments, context) -> {
                    searches.incrementAndGet();
                    String query = arguments.get("query").asText();
                    return ToolResult.of("found: " + query, List.of(new Citation(query, 0, 0, 5, query, "")));
                });
    }

    @Test
    void toolUseGetsThePrefetchedResultBesideItsOwnCalls() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("s1", "search", "{\"query\":\"blade temperature\"}")), AiMessage.from("Very hot."));
        AgentResult result = Agent.builder().model(model).tool(search()).build().run(TASK);

        assertThat(result.answer()).isEqualTo("Very hot.");
        List<ToolExecutionResultMessage> sent =
                AgentTest.toolResults(model.requests().get(1));
        assertThat(sent).extracting(ToolExecutionResultMessage::id).containsExactly("s1", Agent.PREFETCH_STEP_ID);
        assertThat(sent)
                .extracting(ToolExecutionResultMessage::text)
                .containsExactly("found: blade temperature", "found: " + TASK);
        assertThat(result.citations())
                .extracting(Citation::documentId)
                .containsExactlyInAnyOrder("blade temperature", TASK);
        AiMessage turn = (AiMessage) model.requests().get(1).messages().get(1);
        assertThat(turn.toolExecutionRequests()).extracting(r -> r.id()).containsExactly("s1", "prefetch");
        assertThat(searches).hasValue(2);
    }

    @Test
    void theSameSearchAskedByTheModelRunsOnceAndIsNotOfferedTwice() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("s1", "search", "{\"query\":\"" + TASK + "\"}")), AiMessage.from("Very hot."));
        Agent.builder().model(model).tool(search()).build().run(TASK);

        assertThat(AgentTest.toolResults(model.requests().get(1)))
                .extracting(ToolExecutionResultMessage::id)
                .containsExactly("s1");
        assertThat(searches).hasValue(1);
    }

    @Test
    void aPlanMayUseThePrefetchedResultWithoutSearchingAgain() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                AiMessage.from("{\"id\": 1, \"tool\": \"search\", \"args\": {\"query\": \"blade cooling\"}}\n"
                        + "{\"answer\": \"${prefetch} | $1\"}"));
        AgentResult result = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .tool(search())
                .build()
                .run(TASK);

        assertThat(result.answer()).isEqualTo("found: " + TASK + " | found: blade cooling");
        assertThat(result.citations())
                .extracting(Citation::documentId)
                .containsExactlyInAnyOrder(TASK, "blade cooling");
        assertThat(result.usage().modelCalls()).isEqualTo(1);
        String instructions =
                ((SystemMessage) model.requests().getFirst().messages().getFirst()).text();
        assertThat(instructions)
                .startsWith(GraphPlanner.PLAN_HEADER)
                .contains("A search is already running as step prefetch: search {\"query\":\"" + TASK + "\"}")
                .contains("${prefetch}");
        assertThat(instructions.indexOf("A search is already running"))
                .as("after the tool list, not inside it")
                .isGreaterThan(instructions.indexOf("- search:"));
        assertThat(searches).hasValue(2);
    }

    @Test
    void anUnusedPrefetchIsNotASourceOfTheAnswer() {
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("I know this: very hot."));
        AgentResult result = Agent.builder().model(model).tool(search()).build().run(TASK);
        assertThat(result.answer()).isEqualTo("I know this: very hot.");
        assertThat(result.citations()).isEmpty();
    }

    @Test
    void withoutPrefetchNothingIsOffered() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("s1", "search", "{\"query\":\"blade temperature\"}")), AiMessage.from("Very hot."));
        Agent.builder().model(model).tool(search()).prefetch(false).build().run(TASK);

        assertThat(AgentTest.toolResults(model.requests().get(1)))
                .extracting(ToolExecutionResultMessage::id)
                .containsExactly("s1");
        assertThat(searches).hasValue(1);
    }
}
