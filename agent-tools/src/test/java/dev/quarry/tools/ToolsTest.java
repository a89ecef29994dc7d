package dev.quarry.tools;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Citation;
import dev.quarry.index.Chunker;
import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ToolsTest {

    LuceneIndex index;

    @BeforeEach
    void index() {
        index = LuceneIndex.builder().chunker(new Chunker(80, 0)).open();
        index.upsert(new Document(
                "turbines",
                "Gas turbines compress air. Combustion heats it. The hot gas drives the blades. Air cools the blades.",
                "Turbines",
                "file:///turbines.md",
                Map.of("team", "engines")));
        index.upsert(new Document(
                "wings", "Swept wings delay shock waves at transonic speed.", "Wings", "", Map.of("team", "aero")));
    }

    @AfterEach
    void close() {
        index.close();
    }

    static Agent agent(ScriptedChatModel model, LuceneIndex index) {
        return Agent.builder()
                .model(model)
                .tool(new SearchTool(index))
                .tools(ReadTools.over(index))
                .tool(new SummariseTool(index))
                .build();
    }

    @Test
    void searchReturnsCitedPassagesAndHonoursFilters() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(
                        call("a", "search", "{\"query\":\"turbine blades\"}"),
                        call("b", "search", "{\"query\":\"turbine blades\",\"filters\":{\"team\":\"aero\"},\"k\":3}"),
                        call("c", "search", "{\"query\":\"x\",\"k\":99}")),
                AiMessage.from("done"));
        AgentResult result = agent(model, index).run("turbines?");
        StepResult first = result.steps().get(0);
        assertThat(first.text()).contains("[turbines#").contains("Turbines: ").contains("blades");
        assertThat(first.citations()).extracting(Citation::documentId).contains("turbines");
        assertThat(result.steps().get(1).text()).isEqualTo("No passages match.");
        assertThat(result.steps().get(2).status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.steps().get(2).text()).contains("k must be between 1 and 20");
        assertThat(result.citations()).extracting(Citation::documentId).containsOnly("turbines");
    }

    @Test
    void readToolsReturnBoundedTextWithOffsets() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(
                        call("a", "read_document", "{\"document_id\":\"turbines\",\"start\":4,\"max_chars\":10}"),
                        call("b", "read_chunk", "{\"document_id\":\"turbines\",\"chunk\":1}"),
                        call("c", "read_document", "{\"document_id\":\"missing\"}")),
                AiMessage.from("done"));
        AgentResult result = agent(model, index).run("read");
        assertThat(result.steps().get(0).text())
                .contains("[turbines 4-14 of 100]")
                .contains("turbines c")
                .contains("more characters");
        assertThat(result.steps().get(1).text()).startsWith("[turbines#1[").contains("Air cools the blades.");
        assertThat(result.steps().get(2).text()).contains("no document missing");
    }

    static ScriptedChatModel summarisingModel(AtomicInteger mapCalls) {
        return ScriptedChatModel.replying(request -> {
            String system = request.messages().stream()
                    .filter(m -> m instanceof SystemMessage)
                    .map(m -> ((SystemMessage) m).text())
                    .findFirst()
                    .orElse("");
            if (system.startsWith(SummariseTool.MAP_INSTRUCTION)) {
                return AiMessage.from("part " + mapCalls.incrementAndGet());
            }
            if (system.startsWith(SummariseTool.REDUCE_INSTRUCTION)) {
                return AiMessage.from("combined: " + request.messages().getLast());
            }
            return request.messages().size() == 1
                    ? toolCalls(call("s", "summarise", "{\"document_ids\":[\"turbines\"],\"max_words\":40}"))
                    : AiMessage.from("summary given");
        });
    }

    @Test
    void summariseMapsEveryChunkInParallelAndReducesOnce() {
        AtomicInteger mapCalls = new AtomicInteger();
        ScriptedChatModel model = summarisingModel(mapCalls);
        AgentResult result = agent(model, index).run("summarise turbines");
        StepResult summary = result.steps().getFirst();
        assertThat(summary.status()).isEqualTo(StepStatus.SUCCEEDED);
        int chunks = summary.citations().size();
        assertThat(chunks).isGreaterThan(1);
        assertThat(mapCalls.get()).isEqualTo(chunks);
        assertThat(summary.text()).startsWith("combined:").contains("[turbines#0[");
    }

    /** The model calls summarise makes are the run's: counted in its usage and bounded by its limits. */
    @Test
    void summarisesModelCallsCountAgainstTheRunsLimits() {
        AtomicInteger mapCalls = new AtomicInteger();
        AgentResult result = agent(summarisingModel(mapCalls), index).run("summarise turbines");
        int chunks = result.steps().getFirst().citations().size();
        assertThat(result.usage().modelCalls())
                .as("2 planner calls, one per chunk, one reduce")
                .isEqualTo(chunks + 3);

        AtomicInteger limitedMapCalls = new AtomicInteger();
        Agent limited = Agent.builder()
                .model(summarisingModel(limitedMapCalls))
                .tool(new SummariseTool(index))
                .limits(dev.quarry.agent.Limits.DEFAULT.withMaxModelCalls(3))
                .build();
        // one planner call, then at most two of summarise's calls before the limit refuses the rest; the
        // planner's next call is refused too, and the run ends with what it had
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> limited.run("summarise turbines"))
                .isInstanceOfSatisfying(dev.quarry.agent.error.LimitExceededException.class, e -> {
                    AgentResult partial = e.partial(AgentResult.class).orElseThrow();
                    assertThat(partial.usage().modelCalls()).isLessThanOrEqualTo(3);
                    assertThat(partial.steps().getFirst().status()).isEqualTo(StepStatus.FAILED);
                    assertThat(partial.steps().getFirst().text()).contains("limit of 3 model calls");
                });
        assertThat(limitedMapCalls.get()).isLessThanOrEqualTo(2);
    }
}
