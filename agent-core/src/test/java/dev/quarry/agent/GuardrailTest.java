package dev.quarry.agent;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.GuardrailException;
import dev.quarry.agent.guard.CitationCheck;
import dev.quarry.agent.guard.Guardrail;
import dev.quarry.agent.guard.GuardrailCheck;
import dev.quarry.agent.guard.SecretRedactor;
import dev.quarry.agent.guard.Stage;
import dev.quarry.agent.guard.Verdict;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel.Piece;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Guardrails on the input, tool arguments, tool results and the answer, on the run's two chains. */
class GuardrailTest {

    private final AtomicInteger sent = new AtomicInteger();
    private final Tool send = TestTools.tool("send", ToolPolicy.readOnly(), args -> {
        sent.incrementAndGet();
        return ToolResult.of("sent " + args.get("q").asText());
    });

    private static Guardrail blockingInput(String word) {
        return Guardrail.of(
                "no-" + word,
                Set.of(Stage.INPUT),
                subject -> subject.text().contains(word) ? Verdict.block("the task mentions " + word) : Verdict.pass());
    }

    @Test
    void aBlockedInputCancelsTheFirstCallAndNothingItStreamedTakesEffect() {
        CountDownLatch toolCallStreamed = new CountDownLatch(1);
        ScriptedStreamingChatModel model = new ScriptedStreamingChatModel(request -> List.of(
                Piece.toolCall(call("c1", "send", "{\"q\":\"everyone\"}")),
                Piece.text("sending").after(toolCallStreamed::countDown)));
        Guardrail slowCheck = Guardrail.of("no-spam", Set.of(Stage.INPUT), subject -> {
            // decide only once the model has streamed a tool call: it must be held, not run
            toolCallStreamed.await(10, TimeUnit.SECONDS);
            return Verdict.block("bulk mail is not allowed");
        });
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        Agent agent = Agent.builder()
                .streamingModel(model)
                .tool(send)
                .guardrail(slowCheck)
                .build();

        assertThatThrownBy(() -> agent.stream("mail everyone", events::add))
                .isInstanceOfSatisfying(GuardrailException.class, e -> {
                    assertThat(e.guardrail()).isEqualTo("no-spam");
                    assertThat(e.stage()).isEqualTo("input");
                    assertThat(e.reason()).isEqualTo("bulk mail is not allowed");
                    AgentResult partial = e.partial(AgentResult.class).orElseThrow();
                    assertThat(partial.steps()).isEmpty();
                    assertThat(partial.trace().guardrails())
                            .extracting(GuardrailCheck::verdict)
                            .containsExactly("block");
                });
        assertThat(toolCallStreamed.getCount()).isZero();
        assertThat(sent).hasValue(0);
        assertThat(events).noneMatch(e -> e instanceof RunEvent.StepScheduled || e instanceof RunEvent.Text);
        assertThat(events)
                .filteredOn(e -> e instanceof RunEvent.GuardrailChecked)
                .singleElement()
                .satisfies(
                        e -> assertThat(((RunEvent.GuardrailChecked) e).check().stage())
                                .isEqualTo(Stage.INPUT));
    }

    @Test
    void theInputIsCheckedWhileTheFirstModelCallIsAlreadyGoing() {
        CountDownLatch modelCalled = new CountDownLatch(1);
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            modelCalled.countDown();
            return AiMessage.from("hello");
        });
        // this check passes only if the model was called before it returned: the two run side by side
        Guardrail beside = Guardrail.of(
                "beside",
                Set.of(Stage.INPUT),
                subject -> modelCalled.await(10, TimeUnit.SECONDS)
                        ? Verdict.pass()
                        : Verdict.block("the model was not called while the input was checked"));

        AgentResult result =
                Agent.builder().model(model).guardrail(beside).build().run("say hello");

        assertThat(result.answer()).isEqualTo("hello");
        assertThat(result.trace().guardrails()).singleElement().satisfies(check -> {
            assertThat(check.guardrail()).isEqualTo("beside");
            assertThat(check.verdict()).isEqualTo("pass");
        });
        assertThat(result.trace().toHtml()).contains("<td>beside</td><td>input</td><td></td><td>pass</td>");
        assertThat(result.trace().toJson().replace(" ", ""))
                .contains("\"guardrails\"")
                .contains("\"verdict\":\"pass\"");
    }

    @Test
    void aBlockedInputNeverReachesAToolWithTheGraphPlannerEither() {
        ScriptedChatModel model = ScriptedChatModel.replying(request ->
                AiMessage.from("{\"id\": 1, \"tool\": \"send\", \"args\": {\"q\": \"x\"}}\n{\"answer\": \"$1\"}"));
        Agent agent = Agent.builder()
                .model(model)
                .planner(Planner.graph())
                .tool(send)
                .guardrail(blockingInput("password"))
                .build();

        assertThatThrownBy(() -> agent.run("send my password"))
                .isInstanceOfSatisfying(
                        GuardrailException.class, e -> assertThat(e.guardrail()).isEqualTo("no-password"));
        assertThat(sent).hasValue(0);
    }

    @Test
    void blockedToolArgumentsEndTheRunBeforeTheToolRuns() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("c1", "send", "{\"q\":\"DROP TABLE users\"}")), AiMessage.from("done"));
        Guardrail noDrop = Guardrail.of(
                "no-drop",
                Set.of(Stage.TOOL_ARGUMENTS),
                s -> s.text().contains("DROP TABLE") ? Verdict.block("SQL that drops tables") : Verdict.pass());
        Agent agent = Agent.builder().model(model).tool(send).guardrail(noDrop).build();

        assertThatThrownBy(() -> agent.run("clean up")).isInstanceOfSatisfying(GuardrailException.class, e -> {
            assertThat(e.stage()).isEqualTo("tool arguments");
            assertThat(e.getMessage()).contains("no-drop").contains("SQL that drops tables");
            AgentResult partial = e.partial(AgentResult.class).orElseThrow();
            assertThat(partial.steps())
                    .singleElement()
                    .satisfies(step -> assertThat(step.status()).isEqualTo(StepStatus.REFUSED));
        });
        assertThat(sent).hasValue(0);
        assertThat(model.requests()).hasSize(1);
    }

    @Test
    void correctedToolArgumentsGoBackToTheModelWhichCallsAgain() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("c1", "send", "{\"q\":\"ALL\"}")),
                toolCalls(call("c2", "send", "{\"q\":\"team\"}")),
                AiMessage.from("sent to the team"));
        Guardrail noAll = Guardrail.of(
                "no-all",
                Set.of(Stage.TOOL_ARGUMENTS),
                s -> s.text().contains("ALL") ? Verdict.correct("name one group, not ALL") : Verdict.pass());

        AgentResult result =
                Agent.builder().model(model).tool(send).guardrail(noAll).build().run("mail them");

        assertThat(result.answer()).isEqualTo("sent to the team");
        assertThat(sent).hasValue(1);
        ToolExecutionResultMessage refused = lastToolResult(model.requests().get(1));
        assertThat(refused.isError()).isTrue();
        assertThat(refused.text()).contains("Guardrail no-all refused").contains("name one group, not ALL");
    }

    @Test
    void correctionsAreBoundedPerRun() {
        // a new argument each time: an identical call would be answered by the first (deduplication)
        ScriptedChatModel model = ScriptedChatModel.replying(request -> toolCalls(call(
                "c" + request.messages().size(),
                "send",
                "{\"q\":\"ALL-" + request.messages().size() + "\"}")));
        Guardrail noAll = Guardrail.of(
                "no-all",
                Set.of(Stage.TOOL_ARGUMENTS),
                s -> s.text().contains("ALL") ? Verdict.correct("name one group") : Verdict.pass());
        Agent agent = Agent.builder()
                .model(model)
                .tool(send)
                .guardrail(noAll)
                .maxGuardrailCorrections(1)
                .build();

        assertThatThrownBy(() -> agent.run("mail them"))
                .isInstanceOfSatisfying(
                        GuardrailException.class,
                        e -> assertThat(e.reason()).isEqualTo("still refused after 1 correction(s): name one group"));
        assertThat(model.requests()).hasSize(2);
        assertThat(sent).hasValue(0);
    }

    @Test
    void theRedactorCleansAToolResultBeforeTheModelReadsItAndTheAnswerBeforeTheApplicationDoes() {
        Tool profile = TestTools.tool(
                "profile",
                ToolPolicy.readOnly(),
                args -> ToolResult.of("Ada, ada@example.com, key AKIAIOSFODNN7EXAMPLE, card 4111 1111 1111 1111"));
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("c1", "profile", "{\"q\":\"ada\"}")),
                AiMessage.from("Write to ada@example.com or bob@example.org"));

        AgentResult result = Agent.builder()
                .model(model)
                .tool(profile)
                .guardrail(SecretRedactor.defaults())
                .build()
                .run("who is ada");

        assertThat(lastToolResult(model.requests().get(1)).text())
                .isEqualTo("Ada, [REDACTED:email], key [REDACTED:aws-access-key], card [REDACTED:card-number]");
        assertThat(result.steps().getFirst().text()).doesNotContain("ada@example.com");
        assertThat(result.answer()).isEqualTo("Write to [REDACTED:email] or [REDACTED:email]");
        assertThat(result.trace().guardrails())
                .extracting(GuardrailCheck::stage, GuardrailCheck::verdict, GuardrailCheck::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                Stage.TOOL_RESULT, "replace", "redacted 1 aws-access-key, 1 email, 1 card-number"),
                        org.assertj.core.groups.Tuple.tuple(Stage.ANSWER, "replace", "redacted 2 email"));
    }

    @Test
    void theCitationCheckSendsAnAnswerCitingAnUnretrievedPassageBackAndAcceptsTheCorrection() {
        Citation retrieved = new Citation("guide", 2, 100, 180, "Guide", "");
        Tool search = TestTools.tool(
                "search",
                ToolPolicy.readOnly(),
                args -> ToolResult.of("[guide#2[100-180]] the answer is 42", List.of(retrieved)));
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("c1", "search", "{\"q\":\"answer\"}")),
                AiMessage.from("It is 42 [guide#7[0-50]]."),
                AiMessage.from("It is 42 [guide#2[100-180]]."));

        AgentResult result = Agent.builder()
                .model(model)
                .tool(search)
                .guardrail(CitationCheck.correcting())
                .build()
                .run("what is the answer");

        assertThat(result.answer()).isEqualTo("It is 42 [guide#2[100-180]].");
        assertThat(result.citations()).containsExactly(retrieved);
        List<ChatMessage> third = model.requests().get(2).messages();
        assertThat(((UserMessage) third.getLast()).singleText())
                .contains("guardrail citation-check")
                .contains("guide#7[0-50]")
                .contains("guide#2[100-180]");
        assertThat(result.trace().guardrails())
                .extracting(GuardrailCheck::verdict)
                .containsExactly("correct", "pass");
    }

    @Test
    void theBlockingCitationCheckEndsTheRunWithTheAnswerWithheld() {
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("As shown in [made-up#0[0-10]]."));
        Agent agent =
                Agent.builder().model(model).guardrail(CitationCheck.blocking()).build();

        assertThatThrownBy(() -> agent.run("anything")).isInstanceOfSatisfying(GuardrailException.class, e -> {
            assertThat(e.stage()).isEqualTo("answer");
            assertThat(e.reason()).contains("made-up#0[0-10]").contains("none were retrieved");
            assertThat(e.partial(AgentResult.class).orElseThrow().answer()).isEmpty();
        });
    }

    @Test
    void aGuardrailThatThrowsIsAFailedCheckNamingItNeverAPass() {
        Guardrail broken = Guardrail.of("broken", Set.of(Stage.ANSWER), subject -> {
            throw new IllegalStateException("rules file missing");
        });
        List<GuardrailCheck> seen = new CopyOnWriteArrayList<>();
        Agent agent = Agent.builder()
                .model(ScriptedChatModel.turns(AiMessage.from("fine")))
                .guardrail(broken)
                .listener(new AgentListener() {
                    @Override
                    public void onGuardrail(String runId, GuardrailCheck check) {
                        seen.add(check);
                    }
                })
                .build();

        assertThatThrownBy(() -> agent.run("anything")).isInstanceOfSatisfying(GuardrailException.class, e -> {
            assertThat(e.guardrail()).isEqualTo("broken");
            assertThat(e.stage()).isEqualTo("answer");
            assertThat(e.reason()).contains("the check failed").contains("rules file missing");
            assertThat(e.getCause().getCause()).isInstanceOf(IllegalStateException.class);
        });
        assertThat(seen)
                .singleElement()
                .satisfies(check -> assertThat(check.verdict()).isEqualTo("error"));
    }

    @Test
    void guardrailsNeedDistinctNames() {
        assertThatThrownBy(() -> Agent.builder()
                        .model(ScriptedChatModel.turns(AiMessage.from("x")))
                        .guardrail(blockingInput("a"))
                        .guardrail(blockingInput("a"))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("two guardrails are named no-a");
    }

    private static ToolExecutionResultMessage lastToolResult(ChatRequest request) {
        return request.messages().stream()
                .filter(m -> m instanceof ToolExecutionResultMessage)
                .map(m -> (ToolExecutionResultMessage) m)
                .reduce((a, b) -> b)
                .orElseThrow();
    }
}
