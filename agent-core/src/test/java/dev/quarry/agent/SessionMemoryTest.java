package dev.quarry.agent;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.error.ConversationBusyException;
import dev.quarry.agent.memory.ConversationMemory;
import dev.quarry.agent.memory.FileConversationStore;
import dev.quarry.agent.memory.HistoryCompaction;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.agent.trace.Span;
import dev.quarry.testkit.ScriptedChatModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions kept in a store, resumed by another agent, serialised, and compacted to a token budget. */
class SessionMemoryTest {

    @TempDir
    Path dir;

    private static final String BIG = "x".repeat(4_000);

    private final Tool lookup = TestTools.tool(
            "lookup", ToolPolicy.readOnly(), args -> ToolResult.of(args.get("q").asText() + ": " + BIG));

    /** Answers a task with one look-up, then with the text after "answer "; summaries as "SUMMARY". */
    private static AiMessage script(ChatRequest request) {
        ChatMessage last = request.messages().getLast();
        if (request.messages().getFirst() instanceof SystemMessage system
                && system.text().startsWith("You compress")) {
            return AiMessage.from("SUMMARY of " + request.messages().size() + " messages");
        }
        if (last instanceof UserMessage user && user.singleText().startsWith("look up ")) {
            String topic = user.singleText().substring("look up ".length());
            return toolCalls(call("t-" + topic, "lookup", "{\"q\":\"" + topic + "\"}"));
        }
        if (last instanceof ToolExecutionResultMessage result) {
            return AiMessage.from(
                    "found " + result.text().substring(0, result.text().indexOf(':')));
        }
        return AiMessage.from("ok: " + ((UserMessage) last).singleText().length());
    }

    private Agent agent(ScriptedChatModel model, Function<Agent.Builder, Agent.Builder> more) {
        return more.apply(Agent.builder()
                        .model(model)
                        .systemPrompt("You are terse.")
                        .tool(lookup)
                        .conversationStore(FileConversationStore.in(dir.resolve("conversations"))))
                .build();
    }

    @Test
    void aSessionContinuesInAnotherAgentSharingTheStore() {
        ScriptedChatModel first = ScriptedChatModel.replying(SessionMemoryTest::script);
        agent(first, b -> b).session("alice").run("look up Lyon");

        ScriptedChatModel second = ScriptedChatModel.replying(SessionMemoryTest::script);
        AgentSession resumed = agent(second, b -> b).session("alice");
        AgentResult result = resumed.run("and now?");

        assertThat(result.answer()).isEqualTo("ok: 8");
        List<ChatMessage> seen = second.requests().getFirst().messages();
        assertThat(seen.getFirst()).isEqualTo(SystemMessage.from("You are terse."));
        assertThat(seen.get(1)).isEqualTo(UserMessage.from("look up Lyon"));
        assertThat(seen).hasSize(6).last().isEqualTo(UserMessage.from("and now?"));
        assertThat(resumed.history()).hasSize(6).last().isEqualTo(AiMessage.from("ok: 8"));
        assertThat(resumed.id()).isEqualTo("alice");
    }

    @Test
    void aSecondRunOfABusyConversationIsRefusedAndTheFirstStillLands() throws Exception {
        CountDownLatch inModel = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            inModel.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return AiMessage.from("slow answer");
        });
        Agent agent = agent(model, b -> b);
        CompletableFuture<AgentResult> first =
                CompletableFuture.supplyAsync(() -> agent.session("bob").run("first"));
        assertThat(inModel.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> agent.session("bob").run("second"))
                .isInstanceOf(ConversationBusyException.class)
                .hasMessageContaining("conversation bob is already running a task");
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).answer()).isEqualTo("slow answer");
        assertThat(agent.session("bob").history()).hasSize(2);
    }

    @Test
    void overTheBudgetOldToolResultsAreClearedFirstWithANoteNamingTheStep() {
        ScriptedChatModel model = ScriptedChatModel.replying(SessionMemoryTest::script);
        Agent agent = agent(model, b -> b.memory(ConversationMemory.withTokenBudget(600)));
        AgentSession session = agent.session("carol");
        session.run("look up Lyon");
        session.run("hello");
        int before = model.requests().size();

        AgentResult third = session.run("again");

        List<ChatMessage> sent = model.requests().get(before).messages();
        assertThat(third.usage().modelCalls()).isEqualTo(1);
        assertThat(sent.getFirst()).isEqualTo(SystemMessage.from("You are terse."));
        assertThat(sent.get(2)).isInstanceOf(AiMessage.class);
        assertThat(((AiMessage) sent.get(2)).toolExecutionRequests())
                .singleElement()
                .satisfies(r -> assertThat(r.id()).isEqualTo("t-Lyon"));
        ToolExecutionResultMessage cleared = (ToolExecutionResultMessage) sent.get(3);
        assertThat(cleared.id()).isEqualTo("t-Lyon");
        assertThat(cleared.text())
                .isEqualTo("[cleared to save context: the result of step t-Lyon (lookup), 4006 characters;"
                        + " call the tool again if it is needed]");
        assertThat(sent).last().isEqualTo(UserMessage.from("again"));
        assertThat(session.history().get(2)).isEqualTo(cleared);
    }

    @Test
    void whenClearingIsNotEnoughOldTurnsAreSummarisedInOneCountedTracedCall() {
        ScriptedChatModel model = ScriptedChatModel.replying(SessionMemoryTest::script);
        Agent agent = agent(
                model,
                b -> b.memory(ConversationMemory.builder()
                        .maxHistoryTokens(600)
                        .keepLastTurns(2)
                        .build()));
        AgentSession session = agent.session("dave");
        session.run("first " + BIG);
        session.run("second");
        int before = model.requests().size();

        AgentResult third = session.run("third");

        assertThat(third.usage().modelCalls()).isEqualTo(2);
        assertThat(third.trace().spans())
                .filteredOn(s -> s.kind() == Span.Kind.MODEL)
                .extracting(Span::name)
                .containsExactly(HistoryCompaction.SUMMARY_PURPOSE, "turn");
        ChatRequest summary = model.requests().get(before);
        assertThat(((UserMessage) summary.messages().get(1)).singleText())
                .startsWith("User: first xxx")
                .endsWith("Assistant: ok: 4006\n");
        List<ChatMessage> sent = model.requests().get(before + 1).messages();
        assertThat(sent).hasSize(4);
        assertThat(sent.getFirst()).isEqualTo(SystemMessage.from("You are terse."));
        assertThat(((UserMessage) sent.get(1)).singleText())
                .isEqualTo(HistoryCompaction.SUMMARY_HEADER + "\nSUMMARY of 2 messages\n\n---\n\nsecond");
        assertThat(sent.get(2)).isEqualTo(AiMessage.from("ok: 6"));
        assertThat(sent.get(3)).isEqualTo(UserMessage.from("third"));
        assertThat(session.history()).hasSize(4);
        assertThat(((UserMessage) session.history().getFirst()).singleText())
                .startsWith(HistoryCompaction.SUMMARY_HEADER);

        session.run("fourth");
        assertThat(model.requests().getLast().messages()).hasSize(6);
    }

    @Test
    void theCurrentTurnIsNeverCompactedSoAToolCallKeepsItsResult() {
        ScriptedChatModel model = ScriptedChatModel.replying(SessionMemoryTest::script);
        Agent agent = agent(
                model,
                b -> b.memory(ConversationMemory.builder()
                        .maxHistoryTokens(100)
                        .keepLastTurns(1)
                        .build()));

        AgentResult result = agent.session("erin").run("look up Nice");

        assertThat(result.answer()).isEqualTo("found Nice");
        List<ChatMessage> second = model.requests().get(1).messages();
        assertThat(second).hasSize(4);
        assertThat(((ToolExecutionResultMessage) second.get(3)).text())
                .startsWith("Nice: xxx")
                .hasSize(4006);
    }

    @Test
    void anUnnamedSessionKeepsItsHistoryInTheObject() {
        ScriptedChatModel model = ScriptedChatModel.replying(SessionMemoryTest::script);
        Agent agent = agent(model, b -> b);
        AgentSession session = agent.session();
        session.run("hi");
        session.run("there");

        assertThat(session.history()).hasSize(4);
        assertThat(agent.session().history()).isEmpty();
        session.clear();
        assertThat(session.history()).isEmpty();
    }
}
