package dev.quarry.agent;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A plugin's part in each run: its own steps at the start, its view of every step, citations it drops. */
class AgentPluginTest {

    /** Warms a cache with one look-up per run, and keeps its citations out of the answer. */
    static final class Warmer implements AgentPlugin {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<StepResult>> futures = new CopyOnWriteArrayList<>();

        @Override
        public List<String> problems(ToolRegistry tools, StepScheduler scheduler) {
            return tools.find("lookup").isPresent() ? List.of() : List.of("the warmer needs a lookup tool");
        }

        @Override
        public Optional<RunPart> startRun(RunStart run) {
            String id = run.uniqueStepId("warm");
            return Optional.of(new RunPart() {
                @Override
                public List<Step> steps() {
                    return List.of(Step.of(
                            id, "lookup", JsonNodeFactory.instance.objectNode().put("q", "warm")));
                }

                @Override
                public void submitted(List<CompletableFuture<StepResult>> submitted) {
                    futures.addAll(submitted);
                }

                @Override
                public void onFinish(String runId, Step step, StepResult result) {
                    seen.add(step.id() + ":" + result.status());
                }

                @Override
                public void beforeResult() {
                    futures.forEach(CompletableFuture::join);
                }

                @Override
                public boolean keepsCitation(StepResult step, Citation citation, String answer) {
                    return !step.stepId().equals(id);
                }
            });
        }
    }

    @Test
    void aPluginsRunPartSubmitsItsStepsListensToEveryStepAndChoosesWhichCitationsCount() {
        Warmer warmer = new Warmer();
        var lookup = TestTools.tool(
                "lookup",
                ToolPolicy.readOnly(),
                args -> ToolResult.of(
                        "found", List.of(new Citation("doc-" + args.get("q").asText(), 0, 0, 5, "t", "s"))));
        AgentResult result = Agent.builder()
                .model(ScriptedChatModel.turns(
                        toolCalls(call("l1", "lookup", "{\"q\":\"asked\"}")), AiMessage.from("done")))
                .tool(lookup)
                .plugin(warmer)
                .build()
                .run("look it up");

        assertThat(result.steps()).extracting(StepResult::stepId).containsExactly("warm", "l1");
        assertThat(warmer.seen).containsExactlyInAnyOrder("warm:SUCCEEDED", "l1:SUCCEEDED");
        assertThat(result.citations()).extracting(Citation::documentId).containsExactly("doc-asked");
    }

    @Test
    void buildNamesAPluginsProblems() {
        assertThatThrownBy(() -> Agent.builder()
                        .model(ScriptedChatModel.turns())
                        .plugin(new Warmer())
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the warmer needs a lookup tool");
    }
}
