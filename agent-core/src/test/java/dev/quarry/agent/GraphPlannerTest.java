package dev.quarry.agent;

import static dev.quarry.agent.TestTools.echo;
import static dev.quarry.agent.TestTools.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.InvalidPlanException;
import dev.quarry.agent.model.ModelRouting;
import dev.quarry.agent.plan.GraphPlanner;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel.Piece;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GraphPlannerTest {

    static String system(ChatRequest request) {
        return request.messages().stream()
                .filter(m -> m instanceof SystemMessage)
                .map(m -> ((SystemMessage) m).text())
                .findFirst()
                .orElse("");
    }

    static String lastUser(ChatRequest request) {
        return request.messages().getLast().toString();
    }

    @Test
    void runsTheGraphInParallelAndFillsTheAnswerWithoutAJoinerCall() {
        CyclicBarrier together = new CyclicBarrier(2);
        var lookup = tool("lookup", ToolPolicy.readOnly(), args -> {
            if (!args.get("q").asText().startsWith("sum")) {
                together.await(30, TimeUnit.SECONDS);
            }
            return ToolResult.of(
                    switch (args.get("q").asText()) {
                        case "a" -> "2";
                        case "b" -> "3";
                        default -> "[" + args.get("q").asText() + "]";
                    });
        });
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("""
                {"id": 1, "tool": "lookup", "args": {"q": "a"}}
                {"id": 2, "tool": "lookup", "args": {"q": "b"}}
                {"id": 3, "tool": "lookup", "args": {"q": "sum $1 $2"}}
                {"answer": "The sum is $3."}
                """));
        AgentResult result = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .tool(lookup)
                .build()
                .run("add a and b");

        assertThat(result.answer()).isEqualTo("The sum is [sum 2 3].");
        assertThat(model.requests()).hasSize(1);
        assertThat(GraphPlanner.isPlanRequest(model.requests().getFirst())).isTrue();
        assertThat(system(model.requests().getFirst()))
                .startsWith(GraphPlanner.AGENT_HEADER)
                .contains("lookup");
        assertThat(result.steps()).extracting(StepResult::stepId).containsExactly("p1-1", "p1-2", "p1-3");
        assertThat(result.trace().criticalPathSpans()).extracting(s -> s.id()).contains("model-1", "p1-3");
    }

    @Test
    void withoutAnAnswerLineTheJoinerAnswersOrAsksForANewPlan() {
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            if (GraphPlanner.isPlanRequest(request)) {
                return AiMessage.from(
                        request.messages().size() <= 3
                                ? "{\"id\": 1, \"tool\": \"echo\", \"args\": {\"q\": \"first\"}}"
                                : "{\"id\": 2, \"tool\": \"echo\", \"args\": {\"q\": \"second after $1\"}}");
            }
            String input = lastUser(request);
            return AiMessage.from(
                    input.contains("second") ? "Answer from both plans" : GraphPlanner.REPLAN + " need more");
        });
        AgentResult result = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .tool(echo("echo"))
                .build()
                .run("two rounds");
        assertThat(result.answer()).isEqualTo("Answer from both plans");
        assertThat(result.steps())
                .extracting(StepResult::text)
                .containsExactly("echo:first", "echo:second after echo:first");
        assertThat(model.requests()).hasSize(4); // plan, join, plan, join
    }

    @Test
    void planAndJoinRequestsStartWithTheSameSystemMessageHoldingTheAgentsPromptAndTools() {
        ScriptedChatModel model = ScriptedChatModel.replying(request -> AiMessage.from(
                GraphPlanner.isPlanRequest(request)
                        ? "{\"id\": 1, \"tool\": \"echo\", \"args\": {\"q\": \"x\"}}"
                        : "joined"));
        AgentResult result = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .systemPrompt("Answer in French.")
                .tool(echo("echo"))
                .build()
                .run("share a prefix");

        assertThat(result.answer()).isEqualTo("joined");
        ChatRequest plan = model.requests().get(0);
        ChatRequest join = model.requests().get(1);
        assertThat(GraphPlanner.isPlanRequest(plan)).isTrue();
        assertThat(GraphPlanner.isJoinRequest(join)).isTrue();
        assertThat(GraphPlanner.isJoinRequest(plan) || GraphPlanner.isPlanRequest(join))
                .isFalse();
        assertThat(join.messages().getFirst()).isEqualTo(plan.messages().getFirst());
        assertThat(system(join)).startsWith(GraphPlanner.AGENT_HEADER).contains("Answer in French.", "- echo:");
    }

    @Test
    void modelRoutingSendsThePlanToAnotherModelAndKeepsTheJoinOnTheMainOne() {
        ScriptedChatModel model = ScriptedChatModel.replying(request -> AiMessage.from(
                GraphPlanner.isPlanRequest(request)
                        ? "{\"id\": 1, \"tool\": \"echo\", \"args\": {\"q\": \"x\"}}"
                        : "read " + lastUser(request).contains("echo:x")));
        AgentResult result = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .modelInterceptor(ModelRouting.plansTo("fast-model"))
                .tool(echo("echo"))
                .build()
                .run("route me");
        assertThat(result.answer()).isEqualTo("read true");
        assertThat(model.requests())
                .extracting(r -> GraphPlanner.isPlanRequest(r), r -> r.modelName())
                .containsExactly(tuple(true, "fast-model"), tuple(false, null));
        assertThatThrownBy(() -> ModelRouting.byPurpose(java.util.Map.of("plan", " ")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("needs a purpose and a model name");
    }

    @Test
    void invalidPlansAreSentBackForCorrection() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                AiMessage.from("{\"id\": 1, \"tool\": \"nope\", \"args\": {}}\nnot json at all"),
                AiMessage.from("{\"id\": 1, \"tool\": \"echo\", \"args\": {\"q\": \"ok\"}}\n{\"answer\": \"got $1\"}"));
        AgentResult result = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .tool(echo("echo"))
                .build()
                .run("fix your plan");
        assertThat(result.answer()).isEqualTo("got echo:ok");
        String feedback = lastUser(model.requests().get(1));
        assertThat(feedback).contains("unknown tool 'nope'").contains("not a JSON object");
    }

    @Test
    void cyclesAndDanglingReferencesEndInATypedErrorAfterBoundedAttempts() {
        ScriptedChatModel model = ScriptedChatModel.replying(request -> AiMessage.from("""
                {"id": 1, "tool": "echo", "args": {"q": "$2"}}
                {"id": 2, "tool": "echo", "args": {"q": "$1"}}
                {"id": 3, "tool": "echo", "args": {"q": "$9"}}
                """));
        Agent agent = Agent.builder()
                .model(model)
                .planner(GraphPlanner.builder().maxPlanAttempts(2).build())
                .tool(echo("echo"))
                .build();
        assertThatThrownBy(() -> agent.run("loop"))
                .isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("dependency cycle")
                .hasMessageContaining("missing step(s) [9]");
        assertThat(model.requests()).hasSize(2);
    }

    @Test
    void streamingDispatchesEachStepBeforeThePlanIsComplete() {
        CountDownLatch firstStarted = new CountDownLatch(1);
        var lookup = tool("lookup", ToolPolicy.readOnly(), args -> {
            firstStarted.countDown();
            return ToolResult.of("v-" + args.get("q").asText());
        });
        ScriptedStreamingChatModel model = new ScriptedStreamingChatModel(request -> List.of(
                Piece.text("{\"id\": 1, \"tool\": \"lookup\", \"args\": {\"q\": \"x\"}}\n"),
                // the rest of the plan is written only after step 1 has started running
                Piece.text("{\"id\": 2, \"tool\": \"lookup\", \"args\": {\"q\": \"y\"}}\n{\"answer\": \"$1 $2\"}")
                        .after(() -> await(firstStarted))));
        AgentResult result = Agent.builder()
                .streamingModel(model)
                .planner(Planner.graph())
                .tool(lookup)
                .build()
                .run("stream it");
        assertThat(result.answer()).isEqualTo("v-x v-y");
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the first step was not dispatched while the stream was open");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anAnswerLineThatWouldExpandPastTheBoundGoesToTheJoinerInstead() {
        var big = tool("big", ToolPolicy.readOnly(), args -> ToolResult.of("x".repeat(10_000)));
        String template = "$1 ".repeat(5_000);
        ScriptedChatModel model = ScriptedChatModel.turns(
                AiMessage.from("{\"id\": 1, \"tool\": \"big\", \"args\": {\"q\": \"a\"}}\n{\"answer\": \""
                        + template.strip() + "\"}"),
                AiMessage.from("a short answer from the joiner"));
        AgentResult result = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .tool(big)
                .build()
                .run("repeat it");
        assertThat(result.answer()).isEqualTo("a short answer from the joiner");
        assertThat(GraphPlanner.isJoinRequest(model.requests().get(1))).isTrue();
    }
}
