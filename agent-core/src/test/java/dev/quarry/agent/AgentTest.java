package dev.quarry.agent;

import static dev.quarry.agent.TestTools.echo;
import static dev.quarry.agent.TestTools.tool;
import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.LimitExceededException;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Policy;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AgentTest {

    static List<ToolExecutionResultMessage> toolResults(ChatRequest request) {
        return request.messages().stream()
                .filter(m -> m instanceof ToolExecutionResultMessage)
                .map(m -> (ToolExecutionResultMessage) m)
                .toList();
    }

    @Test
    void runsAllToolCallsOfATurnInParallelAndReturnsResultsInRequestOrder() {
        CyclicBarrier together = new CyclicBarrier(3);
        var lookup = tool("lookup", ToolPolicy.readOnly(), args -> {
            together.await(30, TimeUnit.SECONDS);
            String q = args.get("q").asText();
            return ToolResult.of("fact about " + q, List.of(new Citation(q, 0, 0, 10, q, "")));
        });
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(
                        call("t1", "lookup", "{\"q\":\"lyon\"}"),
                        call("t2", "lookup", "{\"q\":\"nice\"}"),
                        call("t3", "lookup", "{\"q\":\"paris\"}")),
                AiMessage.from("Lyon, Nice and Paris are cities."));
        Agent agent = Agent.builder().model(model).tool(lookup).build();

        AgentResult result = agent.run("Tell me about three cities");

        assertThat(result.answer()).isEqualTo("Lyon, Nice and Paris are cities.");
        List<ToolExecutionResultMessage> sent = toolResults(model.requests().get(1));
        assertThat(sent).extracting(ToolExecutionResultMessage::id).containsExactly("t1", "t2", "t3");
        assertThat(sent)
                .extracting(ToolExecutionResultMessage::text)
                .containsExactly("fact about lyon", "fact about nice", "fact about paris");
        assertThat(result.citations()).extracting(Citation::documentId).containsExactly("lyon", "nice", "paris");
        assertThat(result.usage().modelCalls()).isEqualTo(2);
        assertThat(result.usage().inputTokens()).isPositive();
        assertThat(result.trace().spans()).hasSize(5);
        assertThat(result.trace().parallelism()).isGreaterThan(0);
    }

    @Test
    void sideEffectingToolsRunOnlyWhenApproved() {
        AtomicInteger sent = new AtomicInteger();
        var send = tool("send", ToolPolicy.sideEffects(), args -> {
            sent.incrementAndGet();
            return ToolResult.of("sent");
        });
        ScriptedChatModel refusedModel = ScriptedChatModel.turns(
                toolCalls(call("s1", "send", "{\"q\":\"hello\"}")), AiMessage.from("I could not send it."));
        AgentResult refused =
                Agent.builder().model(refusedModel).tool(send).build().run("send hello");
        assertThat(sent.get()).isZero();
        assertThat(refused.steps().getFirst().status()).isEqualTo(StepStatus.REFUSED);
        assertThat(toolResults(refusedModel.requests().get(1)).getFirst().text())
                .contains("was not approved");
        assertThat(refused.trace().spans()).anyMatch(s -> s.outcome().equals("REFUSED"));

        ScriptedChatModel approvedModel =
                ScriptedChatModel.turns(toolCalls(call("s1", "send", "{\"q\":\"hello\"}")), AiMessage.from("Sent."));
        Agent approving = Agent.builder()
                .model(approvedModel)
                .tool(send)
                .approvalHandler(request -> request.tool().equals("send")
                        ? ApprovalHandler.Decision.approve()
                        : ApprovalHandler.Decision.refuse("no"))
                .build();
        assertThat(approving.run("send hello").answer()).isEqualTo("Sent.");
        assertThat(sent.get()).isEqualTo(1);
    }

    @Test
    void malformedArgumentsAreSentBackAndTheModelCanCorrectThem() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("a", "echo", "{not json"), call("b", "echo", "{\"q\": 7}")),
                toolCalls(call("c", "echo", "{\"q\":\"fixed\"}")),
                AiMessage.from("done"));
        AgentResult result =
                Agent.builder().model(model).tool(echo("echo")).build().run("echo something");
        List<ToolExecutionResultMessage> firstResults =
                toolResults(model.requests().get(1));
        assertThat(firstResults.get(0).text()).contains("not a JSON object");
        assertThat(firstResults.get(0).isError()).isTrue();
        assertThat(firstResults.get(1).text()).contains("arguments.q must be a string");
        assertThat(result.steps())
                .extracting(s -> s.status())
                .containsExactly(StepStatus.INVALID_ARGUMENTS, StepStatus.INVALID_ARGUMENTS, StepStatus.SUCCEEDED);
        assertThat(result.answer()).isEqualTo("done");
    }

    @Test
    void anEndlessToolLoopStopsAtTheModelCallLimit() {
        AtomicInteger n = new AtomicInteger();
        ScriptedChatModel model = ScriptedChatModel.replying(
                request -> toolCalls(call("c" + n.incrementAndGet(), "echo", "{\"q\":\"again " + n.get() + "\"}")));
        Agent agent = Agent.builder()
                .model(model)
                .tool(echo("echo"))
                .limits(Limits.DEFAULT.withMaxModelCalls(4))
                .build();
        assertThatThrownBy(() -> agent.run("loop forever"))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("limit of 4 model calls");
        assertThat(model.requests()).hasSize(4);
    }

    @Test
    void stepLimitAndTokenBudgetEndTheRunWithTypedErrors() {
        ScriptedChatModel model = ScriptedChatModel.replying(request -> toolCalls(
                call("a" + request.messages().size(), "echo", "{\"q\":\"1\"}"),
                call("b" + request.messages().size(), "echo", "{\"q\":\"2\"}")));
        Agent few = Agent.builder()
                .model(model)
                .tool(echo("echo"))
                .limits(Limits.DEFAULT.withMaxSteps(3))
                .build();
        assertThatThrownBy(() -> few.run("go"))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("3 steps");
        Agent poor = Agent.builder()
                .model(model)
                .tool(echo("echo"))
                .limits(Limits.DEFAULT.withTokenBudget(5))
                .build();
        assertThatThrownBy(() -> poor.run("go"))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("budget");
    }

    @Test
    void rejectsBadTasksAndConfigurations() {
        Agent agent = Agent.builder()
                .model(ScriptedChatModel.turns(AiMessage.from("x")))
                .build();
        assertThatThrownBy(() -> agent.run(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> agent.run("x".repeat(Agent.MAX_TASK_CHARS + 1)))
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> Agent.builder().build()).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Agent.builder()
                        .model(ScriptedChatModel.turns())
                        .tool(echo("a"))
                        .tool(echo("a"))
                        .build())
                .hasMessageContaining("unique");
    }

    @Test
    void toolCallIdsReusedAcrossTurnsOrWithinATurnAllRunAndAnswerUnderTheirOwnIds() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("same", "echo", "{\"q\":\"1\"}"), call("same", "echo", "{\"q\":\"2\"}")),
                toolCalls(call("same", "echo", "{\"q\":\"3\"}"), call("prefetch", "echo", "{\"q\":\"4\"}")),
                AiMessage.from("done"));
        AgentResult result =
                Agent.builder().model(model).tool(echo("echo")).build().run("echo four times");
        assertThat(result.answer()).isEqualTo("done");
        assertThat(result.steps())
                .extracting(StepResult::stepId)
                .containsExactly("same", "same-2", "same-3", "prefetch");
        assertThat(result.steps()).extracting(StepResult::text).containsExactly("echo:1", "echo:2", "echo:3", "echo:4");
        assertThat(toolResults(model.requests().get(1)))
                .extracting(ToolExecutionResultMessage::id)
                .containsExactly("same", "same");
    }

    @Test
    void aRunMayUseOnlyItsAllowedTools() {
        ScriptedChatModel model =
                ScriptedChatModel.turns(toolCalls(call("x", "secret", "{\"q\":\"leak\"}")), AiMessage.from("ok"));
        AtomicInteger secretCalls = new AtomicInteger();
        Agent agent = Agent.builder()
                .model(model)
                .tool(echo("echo"))
                .tool(tool("secret", ToolPolicy.readOnly(), a -> ToolResult.of("s" + secretCalls.incrementAndGet())))
                .build();
        AgentResult result = agent.run("do it", Set.of("echo"));
        assertThat(secretCalls.get()).isZero();
        assertThat(result.steps().getFirst().status()).isEqualTo(StepStatus.UNKNOWN_TOOL);
        assertThat(model.requests().getFirst().toolSpecifications())
                .extracting(t -> t.name())
                .containsExactly("echo");
    }

    static class OptionalTools {
        @dev.langchain4j.agent.tool.Tool("A nickname, if there is one")
        @Policy(sideEffecting = false)
        java.util.Optional<String> nickname(@P("name") String name) {
            return name.equals("Jo") ? java.util.Optional.empty() : java.util.Optional.of(name.substring(0, 2));
        }
    }

    @Test
    void anOptionalResultIsUnwrapped() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("a", "nickname", "{\"name\":\"Joanna\"}"), call("b", "nickname", "{\"name\":\"Jo\"}")),
                AiMessage.from("done"));
        AgentResult result = Agent.builder()
                .model(model)
                .toolsFrom(new OptionalTools())
                .build()
                .run("nicknames");
        assertThat(result.steps()).extracting(StepResult::text).containsExactly("Jo", "null");
    }

    static class CityTools {
        @dev.langchain4j.agent.tool.Tool("Population of a city")
        @Policy(sideEffecting = false)
        int population(@P("city name") String city) {
            return city.equals("Lyon") ? 520_000 : 340_000;
        }

        @dev.langchain4j.agent.tool.Tool("Book a trip")
        @Policy(sideEffecting = true)
        String book(@P("city") String city) {
            return "booked " + city;
        }
    }

    static class Payments {
        final AtomicInteger attempts = new AtomicInteger();

        @dev.langchain4j.agent.tool.Tool("Pay an invoice")
        String payInvoice(@P("invoice id") String invoice) throws java.io.IOException {
            attempts.incrementAndGet();
            throw new java.io.IOException("connection reset by the bank");
        }
    }

    @Test
    void aToolWithoutADeclaredPolicyNeedsApprovalAndIsNeverRetried() {
        Payments payments = new Payments();
        ScriptedChatModel refusedModel = ScriptedChatModel.turns(
                toolCalls(call("p1", "payInvoice", "{\"invoice\":\"42\"}")), AiMessage.from("not paid"));
        AgentResult refused =
                Agent.builder().model(refusedModel).toolsFrom(payments).build().run("pay invoice 42");
        assertThat(refused.steps().getFirst().status()).isEqualTo(StepStatus.REFUSED);
        assertThat(refused.steps().getFirst().text()).contains("@Policy(sideEffecting = false)");
        assertThat(payments.attempts).hasValue(0);

        ScriptedChatModel approvedModel = ScriptedChatModel.turns(
                toolCalls(call("p1", "payInvoice", "{\"invoice\":\"42\"}")), AiMessage.from("failed"));
        AgentResult approved = Agent.builder()
                .model(approvedModel)
                .toolsFrom(payments)
                .approvalHandler(ApprovalHandler.approveAll())
                .build()
                .run("pay invoice 42");
        assertThat(approved.steps().getFirst().status()).isEqualTo(StepStatus.FAILED);
        assertThat(payments.attempts)
                .as("an I/O error of a side-effecting tool is not retried")
                .hasValue(1);
    }

    @Test
    void annotatedMethodsBecomeToolsWithLangchain4jSchemas() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("p1", "population", "{\"city\":\"Lyon\"}"), call("b1", "book", "{\"city\":\"Lyon\"}")),
                AiMessage.from("Lyon has 520000 people."));
        Agent agent = Agent.builder().model(model).toolsFrom(new CityTools()).build();
        AgentResult result = agent.run("How many people live in Lyon? Book a trip.");
        assertThat(result.steps().get(0).text()).isEqualTo("520000");
        assertThat(result.steps().get(1).status()).isEqualTo(StepStatus.REFUSED);
        assertThat(model.requests().getFirst().toolSpecifications())
                .anySatisfy(spec -> assertThat(spec.parameters().required()).containsExactly("city"));
    }

    @Test
    void aSessionRemembersEarlierTurns() {
        ScriptedChatModel model = ScriptedChatModel.replying(
                request -> AiMessage.from("turn with " + request.messages().size() + " messages"));
        AgentSession session =
                Agent.builder().model(model).systemPrompt("Be brief.").build().session();
        session.run("first");
        AgentResult second = session.run("second");
        List<ChatMessage> sent = model.requests().get(1).messages();
        assertThat(sent).hasSize(4); // system, first, answer, second
        assertThat(second.answer()).isEqualTo("turn with 4 messages");
        assertThat(session.history()).hasSize(4);
    }
}
