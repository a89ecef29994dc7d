package dev.quarry.agent;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Retrieval prefetch is opt-in: a tool call made from the task, started with the run. Its result is offered
 * as system context to model calls that start after it succeeded, never as a tool call the model did not
 * make, never waited for, and cited only when the answer names it. Latches order the steps; nothing sleeps.
 */
class PrefetchTest {

    static final String TASK = "How hot do turbine blades get?";

    final AtomicInteger searches = new AtomicInteger();
    final CountDownLatch releasePrefetch = new CountDownLatch(1);
    final CountDownLatch prefetchFinished = new CountDownLatch(1);

    /** A search tool: the prefetch (the task as query) waits for {@link #releasePrefetch}. */
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
                    if (query.equals(TASK)) {
                        releasePrefetch.await();
                    } else {
                        releasePrefetch.countDown();
                        prefetchFinished.await();
                    }
                    return ToolResult.of(
                            "found: " + query + " [" + query + "#0[0-5]]",
                            List.of(new Citation(query, 0, 0, 5, query, "")));
                });
    }

    /** Tells the test when the prefetch step has finished (the run learns it before this listener). */
    AgentListener prefetchWatcher() {
        return new AgentListener() {
            @Override
            public void onFinish(String runId, Step step, StepResult result) {
                if (step.id().equals("prefetch")) {
                    prefetchFinished.countDown();
                }
            }
        };
    }

    static String system(ChatRequest request) {
        return GraphPlannerTest.system(request);
    }

    Agent agent(ScriptedChatModel model) {
        return Agent.builder()
                .model(model)
                .tool(search())
                .listener(prefetchWatcher())
                .prefetch(Prefetch.withArgument("search", "query"))
                .build();
    }

    @Test
    void aCallAfterThePrefetchSucceededGetsItAsContextNeverAsAToolCall() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("s1", "search", "{\"query\":\"blade temperature\"}")),
                AiMessage.from("Very hot, see " + TASK + "#0[0-5]."));
        AgentResult result = agent(model).run(TASK);

        assertThat(system(model.requests().get(0))).doesNotContain(Prefetch.CONTEXT_HEADING);
        assertThat(system(model.requests().get(1)))
                .contains(Prefetch.CONTEXT_HEADING)
                .contains("found: " + TASK);
        assertThat(AgentTest.toolResults(model.requests().get(1)))
                .extracting(ToolExecutionResultMessage::id)
                .containsExactly("s1");
        AiMessage turn = (AiMessage) model.requests().get(1).messages().stream()
                .filter(m -> m instanceof AiMessage)
                .findFirst()
                .orElseThrow();
        assertThat(turn.toolExecutionRequests()).extracting(r -> r.id()).containsExactly("s1");
        assertThat(result.citations())
                .extracting(Citation::documentId)
                .containsExactlyInAnyOrder("blade temperature", TASK);
        assertThat(searches).hasValue(2);
    }

    @Test
    void anOfferedPrefetchTheAnswerDoesNotNameIsNotASource() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("s1", "search", "{\"query\":\"blade temperature\"}")), AiMessage.from("Very hot."));
        AgentResult result = agent(model).run(TASK);
        assertThat(system(model.requests().get(1))).contains(Prefetch.CONTEXT_HEADING);
        assertThat(result.citations()).extracting(Citation::documentId).containsExactly("blade temperature");
    }

    @Test
    void theModelIsNeverKeptWaitingForThePrefetch() {
        // the prefetch is still blocked when the model answers: the run answers without it
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("I know this: very hot."));
        AgentResult result = agent(model).run(TASK);
        assertThat(result.answer()).isEqualTo("I know this: very hot.");
        assertThat(system(model.requests().getFirst())).doesNotContain(Prefetch.CONTEXT_HEADING);
        assertThat(result.citations()).isEmpty();
    }

    @Test
    void prefetchIsOffByDefault() {
        releasePrefetch.countDown();
        prefetchFinished.countDown();
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("s1", "search", "{\"query\":\"blade temperature\"}")), AiMessage.from("Very hot."));
        AgentResult result = Agent.builder().model(model).tool(search()).build().run(TASK);
        assertThat(searches).hasValue(1);
        assertThat(result.steps()).extracting(StepResult::stepId).containsExactly("s1");
        assertThat(system(model.requests().get(1))).doesNotContain(Prefetch.CONTEXT_HEADING);
    }

    @Test
    void aPrefetchOfAnUnknownToolIsAConfigurationError() {
        assertThatThrownBy(() -> Agent.builder()
                        .model(ScriptedChatModel.turns())
                        .tool(search())
                        .prefetch(Prefetch.withArgument("lookup", "query"))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("prefetch calls tool 'lookup'");
    }
}
