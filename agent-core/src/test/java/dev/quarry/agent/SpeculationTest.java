package dev.quarry.agent;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Speculative look-ups: predicted read-only calls start with the run; the model's identical calls are served
 * from them; wrong predictions are counted and never shown to the model; a prediction that finds no free
 * permit does not run and does not wait. Latches order the threads; nothing sleeps.
 */
class SpeculationTest {

    static final String TASK = "Compare Lyon and Nice";

    final Map<String, Integer> searches = new ConcurrentHashMap<>();

    /** A search tool ({@code q}) that counts its calls and runs {@code before} first. */
    Tool search(ToolPolicy policy, Tool.Body before) {
        return TestTools.contextTool("search", policy, (arguments, context) -> {
            String query = arguments.get("q").asText();
            searches.merge(query, 1, Integer::sum);
            before.execute(arguments, context);
            return ToolResult.of("found " + query, List.of(new Citation(query, 0, 0, 5, query, "")));
        });
    }

    static Speculation predicting(String... queries) {
        return Speculation.withArgument("search", "q", task -> List.of(queries));
    }

    /** The first model turn: waits for what the test needs to have happened, then asks for both searches. */
    static AiMessage bothSearchesOnce(CountDownLatch happened) {
        try {
            assertThat(happened.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return toolCalls(call("c1", "search", "{\"q\":\"Lyon\"}"), call("c2", "search", "{\"q\":\"Nice\"}"));
    }

    @Test
    void predictedCallsStartBeforeTheModelAndServeItsIdenticalCallsWhileWrongOnesAreCountedNotShown() throws Exception {
        CountDownLatch allStarted = new CountDownLatch(3);
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            if (request.messages().size() == 1) {
                // the three speculative searches started with the run, before this first model call (the
                // run never waits for them, so without this the unused one could still be unstarted at the end)
                return bothSearchesOnce(allStarted);
            }
            return AiMessage.from("Lyon is larger.");
        });
        AgentResult result = Agent.builder()
                .model(model)
                .tool(search(ToolPolicy.readOnly(), (arguments, context) -> {
                    allStarted.countDown();
                    return null;
                }))
                .speculate(predicting("Lyon", "Nice", "Paris"))
                .build()
                .run(TASK);

        assertThat(result.answer()).isEqualTo("Lyon is larger.");
        assertThat(searches).containsExactlyInAnyOrderEntriesOf(Map.of("Lyon", 1, "Nice", 1, "Paris", 1));
        assertThat(result.speculation()).isEqualTo(new Speculation.Outcome(3, 2, 0));
        assertThat(result.speculation().wasted()).isEqualTo(1);
        assertThat(model.requests().get(1).messages().toString()).doesNotContain("found Paris");
        assertThat(result.citations()).extracting(Citation::documentId).containsExactly("Lyon", "Nice");
        assertThat(result.steps())
                .filteredOn(s -> s.stepId().equals("c1") || s.stepId().equals("c2"))
                .extracting(StepResult::text, StepResult::deduplicated)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("found Lyon", true),
                        org.assertj.core.groups.Tuple.tuple("found Nice", true));
    }

    @Test
    void aPredictionThatFindsNoFreePermitDoesNotRunAndTheModelsCallRunsItself() throws Exception {
        CountDownLatch oneNotRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AgentListener watcher = new AgentListener() {
            @Override
            public void onFinish(String runId, Step step, StepResult result) {
                if (step.speculative() && result.attempts() == 0) {
                    oneNotRun.countDown();
                }
            }
        };
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            if (request.messages().size() == 1) {
                // one prediction holds the only permit (blocked below), so the other one was not run
                AiMessage turn = bothSearchesOnce(oneNotRun);
                release.countDown();
                return turn;
            }
            return AiMessage.from("Both found.");
        });
        AgentResult result = Agent.builder()
                .model(model)
                .maxConcurrency(1)
                .listener(watcher)
                .tool(search(ToolPolicy.readOnly(), (arguments, context) -> {
                    release.await();
                    return null;
                }))
                .speculate(predicting("Lyon", "Nice"))
                .build()
                .run(TASK);

        assertThat(result.answer()).isEqualTo("Both found.");
        assertThat(result.speculation()).isEqualTo(new Speculation.Outcome(2, 2, 1));
        assertThat(searches).containsExactlyInAnyOrderEntriesOf(Map.of("Lyon", 1, "Nice", 1));
        assertThat(result.steps())
                .filteredOn(s -> s.stepId().startsWith("c"))
                .extracting(StepResult::text)
                .containsExactlyInAnyOrder("found Lyon", "found Nice");
    }

    @Test
    void speculationIsOffByDefaultAndRefusedForSideEffectsUnknownToolsOrWithoutDeduplication() {
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("No look-ups needed."));
        AgentResult result = Agent.builder()
                .model(model)
                .tool(search(ToolPolicy.readOnly(), (a, c) -> null))
                .build()
                .run(TASK);
        assertThat(result.speculation()).isEqualTo(Speculation.Outcome.NONE);
        assertThat(searches).isEmpty();

        assertThatThrownBy(() -> Agent.builder()
                        .model(model)
                        .tool(search(ToolPolicy.sideEffects(), (a, c) -> null))
                        .speculate(predicting("x"))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has side effects; speculate only with read-only tools");
        assertThatThrownBy(() -> Agent.builder()
                        .model(model)
                        .speculate(Speculation.withArgument("lookup", "q", task -> List.of("x")))
                        .tool(search(ToolPolicy.readOnly(), (a, c) -> null))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("calls tool 'lookup', which is not registered");
        assertThatThrownBy(() -> Agent.builder()
                        .model(model)
                        .deduplicate(false)
                        .tool(search(ToolPolicy.readOnly(), (a, c) -> null))
                        .speculate(predicting("x"))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("speculation needs step deduplication");
        assertThatThrownBy(() -> Speculation.withArgument(" ", "q", task -> List.of()))
                .isInstanceOf(ConfigurationException.class);
    }
}
