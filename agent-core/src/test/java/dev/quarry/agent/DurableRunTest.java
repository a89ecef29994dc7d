package dev.quarry.agent;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.durable.RunJournal;
import dev.quarry.agent.durable.RunRecords;
import dev.quarry.agent.error.ApprovalNotAllowedException;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.ApprovalHandler.Decision;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel.Piece;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journaled runs: resume after a crash at every record, in-doubt side effects, approvals that wait. */
class DurableRunTest {

    static final String TASK = "Look up a and b, then send the summary";

    @TempDir
    Path dir;

    /** Tools that count their calls by argument, across "processes" (agents) of one test. */
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** A model whose reply depends only on the request, as a replayable model must: plan, then send, then answer. */
    static ScriptedChatModel model() {
        return ScriptedChatModel.replying(DurableRunTest::reply);
    }

    static AiMessage reply(ChatRequest request) {
        List<ToolExecutionResultMessage> results = request.messages().stream()
                .filter(m -> m instanceof ToolExecutionResultMessage)
                .map(m -> (ToolExecutionResultMessage) m)
                .toList();
        if (results.isEmpty()) {
            return toolCalls(call("c1", "lookup", "{\"q\":\"a\"}"), call("c2", "lookup", "{\"q\":\"b\"}"));
        }
        if (results.stream().noneMatch(r -> r.toolName().equals("send"))) {
            String summary =
                    results.stream().map(ToolExecutionResultMessage::text).collect(Collectors.joining("+"));
            return toolCalls(call("c3", "send", "{\"q\":\"" + summary + "\"}"));
        }
        return AiMessage.from("done: "
                + results.stream().map(ToolExecutionResultMessage::text).collect(Collectors.joining(", ")));
    }

    Agent.Builder agent(RunJournal journal, ApprovalHandler approvals) {
        return agent(journal, approvals, ToolPolicy.sideEffects());
    }

    Agent.Builder agent(RunJournal journal, ApprovalHandler approvals, ToolPolicy sendPolicy) {
        return Agent.builder()
                .model(model())
                .journal(journal)
                .approvalHandler(approvals)
                .tool(TestTools.tool("lookup", ToolPolicy.readOnly(), args -> {
                    count("lookup:" + args.get("q").asText());
                    return ToolResult.of("found " + args.get("q").asText());
                }))
                .tool(TestTools.tool("send", sendPolicy, args -> {
                    count("send");
                    return ToolResult.of("sent " + args.get("q").asText());
                }));
    }

    private void count(String what) {
        calls.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    private int count(String what, int ignored) {
        return calls.getOrDefault(what, new AtomicInteger()).get();
    }

    @Test
    void resumingAFinishedRunReplaysItWithoutCallingTheModelOrAnyTool() {
        FileJournal journal = FileJournal.in(dir);
        AgentResult first = agent(journal, ApprovalHandler.approveAll()).build().run(TASK);
        assertThat(first.answer()).isEqualTo("done: found a, found b, sent found a+found b");

        ScriptedChatModel second = model();
        AgentResult again =
                agent(journal, ApprovalHandler.denyAll()).model(second).build().resume(first.runId());

        assertThat(again.answer()).isEqualTo(first.answer());
        assertThat(again.usage().totalTokens()).isEqualTo(first.usage().totalTokens());
        assertThat(second.requests()).isEmpty();
        assertThat(calls).containsOnlyKeys("lookup:a", "lookup:b", "send");
        assertThat(calls.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    /** The process "dies" at its n-th journal write: that write and everything after it never happen. */
    static final class DyingJournal implements RunJournal {
        final RunJournal disk;
        final AtomicInteger writesLeft;

        DyingJournal(RunJournal disk, int writes) {
            this.disk = disk;
            this.writesLeft = new AtomicInteger(writes);
        }

        @Override
        public void append(String runId, String record) {
            if (writesLeft.getAndDecrement() <= 0) {
                throw new Died();
            }
            disk.append(runId, record);
        }

        @Override
        public List<String> read(String runId) {
            return disk.read(runId);
        }

        @Override
        public List<String> runIds() {
            return disk.runIds();
        }
    }

    static final class Died extends dev.quarry.agent.error.QuarryException {
        Died() {
            super("the process died");
        }

        @Override
        public dev.quarry.agent.error.QuarryException withPartial(Object partialResult) {
            return this;
        }
    }

    @Test
    void aRunThatDiesAtAnyJournalWriteResumesToTheSameAnswerWithoutRunningAFinishedStepAgain() {
        AgentResult uninterrupted = agent(FileJournal.in(dir.resolve("whole")), ApprovalHandler.approveAll())
                .build()
                .run(TASK);
        int writes =
                FileJournal.in(dir.resolve("whole")).read(uninterrupted.runId()).size();
        assertThat(writes).isGreaterThan(8);

        int inDoubtCases = 0;
        for (int dieAt = 1; dieAt < writes; dieAt++) {
            calls.clear();
            FileJournal disk = FileJournal.in(dir.resolve("die-" + dieAt));
            List<ApprovalHandler.Request> inDoubt = new CopyOnWriteArrayList<>();
            Agent dying = agent(new DyingJournal(disk, dieAt), ApprovalHandler.approveAll())
                    .build();
            assertThatThrownBy(() -> dying.run(TASK))
                    .as("dies at write %d", dieAt)
                    .isInstanceOf(RuntimeException.class);
            String runId = disk.runIds().getFirst();
            int sentBefore = count("send", 0);

            Agent restarted = agent(disk, request -> {
                        if (request.inDoubt()) {
                            inDoubt.add(request);
                            return Decision.refuse("it may have been sent already");
                        }
                        return Decision.approve();
                    })
                    .build();
            AgentResult resumed = restarted.resume(runId);

            assertThat(count("send", 0))
                    .as("dies at write %d: sent exactly once", dieAt)
                    .isEqualTo(1);
            assertThat(count("lookup:a", 0)).as("dies at write %d", dieAt).isBetween(1, 2);
            if (inDoubt.isEmpty()) {
                assertThat(resumed.answer()).as("dies at write %d", dieAt).isEqualTo(uninterrupted.answer());
            } else {
                inDoubtCases++;
                assertThat(sentBefore).as("only a started send is in doubt").isEqualTo(1);
                assertThat(inDoubt)
                        .singleElement()
                        .satisfies(r -> assertThat(r.tool()).isEqualTo("send"));
                assertThat(resumed.steps())
                        .filteredOn(s -> s.tool().equals("send"))
                        .singleElement()
                        .satisfies(s -> assertThat(s.status()).isEqualTo(StepStatus.REFUSED));
            }
        }
        assertThat(inDoubtCases)
                .as("dying between a send and its outcome leaves it in doubt")
                .isEqualTo(1);
    }

    @Test
    void anIdempotentSideEffectInDoubtRunsAgainWithoutAskingAnyone() {
        FileJournal whole = FileJournal.in(dir.resolve("whole"));
        AgentResult uninterrupted =
                agent(whole, ApprovalHandler.approveAll()).build().run(TASK);
        List<String> records = whole.read(uninterrupted.runId());
        int sendStart = records.indexOf(records.stream()
                .filter(r -> r.contains("\"t\":\"start\"") && r.contains("\"step\":\"c3\""))
                .findFirst()
                .orElseThrow());
        calls.clear();
        FileJournal disk = FileJournal.in(dir.resolve("dies"));
        ToolPolicy idempotent = ToolPolicy.sideEffects().withIdempotent(true);
        Agent dying = agent(new DyingJournal(disk, sendStart + 1), ApprovalHandler.approveAll(), idempotent)
                .build();
        assertThatThrownBy(() -> dying.run(TASK)).isInstanceOf(Died.class);
        assertThat(count("send", 0)).as("the send ran, its outcome was lost").isEqualTo(1);

        AgentResult resumed = agent(disk, ApprovalHandler.denyAll(), idempotent)
                .build()
                .resume(disk.runIds().getFirst());

        assertThat(count("send", 0)).as("idempotent: run again, no one asked").isEqualTo(2);
        assertThat(resumed.answer()).isEqualTo(uninterrupted.answer());
    }

    @Test
    void aRunStopsAtASideEffectAndAnotherAgentContinuesItWithTheDecision() {
        FileJournal journal = FileJournal.in(dir);
        AgentResult waiting =
                agent(journal, ApprovalHandler.suspendRun()).build().run(TASK);

        assertThat(waiting.waitingForApproval()).isTrue();
        assertThat(waiting.answer()).isEmpty();
        assertThat(waiting.waiting()).singleElement().satisfies(request -> {
            assertThat(request.tool()).isEqualTo("send");
            assertThat(request.arguments().get("q").asText()).isEqualTo("found a+found b");
            assertThat(request.inDoubt()).isFalse();
        });
        assertThat(count("send", 0)).isZero();

        Agent later = agent(FileJournal.in(dir), ApprovalHandler.suspendRun()).build();
        assertThat(later.waitingForApproval()).hasSize(1);
        String step = waiting.waiting().getFirst().stepId();
        AgentResult done = later.approve(
                waiting.runId(),
                Map.of(
                        step,
                        Decision.approveWith(
                                JsonNodeFactory.instance.objectNode().put("q", "edited"))));

        assertThat(done.waitingForApproval()).isFalse();
        assertThat(done.answer()).isEqualTo("done: found a, found b, sent edited");
        assertThat(count("send", 0)).isEqualTo(1);
        assertThat(count("lookup:a", 0)).isEqualTo(1);
        assertThat(later.waitingForApproval()).isEmpty();
    }

    @Test
    void aRefusalGivenLaterReachesTheModel() {
        FileJournal journal = FileJournal.in(dir);
        Agent agent = agent(journal, ApprovalHandler.suspendRun()).build();
        AgentResult waiting = agent.run(TASK);

        AgentResult done = agent.approve(
                waiting.runId(), Map.of(waiting.waiting().getFirst().stepId(), Decision.refuse("not today")));

        assertThat(done.answer()).startsWith("done: found a, found b, The call to send was not approved: not today");
        assertThat(count("send", 0)).isZero();
    }

    @Test
    void theApproverIsRecordedAndOneThePolicyRefusesChangesNothing() {
        FileJournal journal = FileJournal.in(dir);
        Agent agent = agent(journal, ApprovalHandler.suspendRun())
                .approvalPolicy((approver, request, decision) ->
                        approver.equals("mallory") ? Optional.of("mallory is not on call") : Optional.empty())
                .build();
        AgentResult waiting = agent.run(TASK);
        String step = waiting.waiting().getFirst().stepId();

        assertThatThrownBy(() -> agent.approve(waiting.runId(), Map.of(step, Decision.approve()), "mallory"))
                .isInstanceOf(ApprovalNotAllowedException.class)
                .hasMessageContaining("mallory may not decide on step " + step + " (send)")
                .hasMessageContaining("mallory is not on call");
        assertThat(count("send", 0)).isZero();
        assertThat(agent.waitingForApproval()).hasSize(1);
        assertThatThrownBy(() -> agent.approve(waiting.runId(), Map.of(step, Decision.approve()), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("approver's identity");

        AgentResult done = agent.approve(waiting.runId(), Map.of(step, Decision.approve()), "alice");
        assertThat(done.answer()).isEqualTo("done: found a, found b, sent found a+found b");
        assertThat(RunRecords.resume(FileJournal.in(dir), waiting.runId()).approver(step))
                .as("read back from the journal")
                .contains("alice");
    }

    @Test
    void twoApprovalsOfOneRunAtOnceSendItOnce() throws Exception {
        FileJournal journal = FileJournal.in(dir);
        AgentResult waiting =
                agent(journal, ApprovalHandler.suspendRun()).build().run(TASK);
        String step = waiting.waiting().getFirst().stepId();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> approvals = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (String approver : List.of("alice", "bob")) {
                Agent agent =
                        agent(FileJournal.in(dir), ApprovalHandler.suspendRun()).build();
                approvals.add(threads.submit(() -> {
                    go.await();
                    try {
                        return agent.approve(waiting.runId(), Map.of(step, Decision.approve()), approver)
                                .answer();
                    } catch (IllegalArgumentException e) {
                        return "refused: " + e.getMessage();
                    }
                }));
            }
            go.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> approval : approvals) {
                outcomes.add(approval.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes)
                    .containsOnlyOnce("done: found a, found b, sent found a+found b")
                    .anySatisfy(o -> assertThat(o).startsWith("refused: ").contains("not waiting"));
        }
        assertThat(count("send", 0)).isEqualTo(1);
    }

    @Test
    void decisionsForStepsThatDoNotWaitAndAgentsWithoutAJournalFailClearly() {
        Agent agent = agent(FileJournal.in(dir), ApprovalHandler.suspendRun()).build();
        AgentResult waiting = agent.run(TASK);

        assertThatThrownBy(() -> agent.approve(waiting.runId(), Map.of("nope", Decision.approve())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step nope")
                .hasMessageContaining("not waiting");
        assertThatThrownBy(() -> agent.resume("unknown"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no run unknown");
        Agent plain = Agent.builder().model(model()).build();
        assertThatThrownBy(() -> plain.resume(waiting.runId()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Agent.Builder.journal");
    }

    @Test
    void withoutAJournalASuspendingHandlerRefusesAndSaysWhy() {
        AgentResult result = Agent.builder()
                .model(model())
                .approvalHandler(ApprovalHandler.suspendRun())
                .tool(TestTools.echo("lookup"))
                .tool(TestTools.tool("send", ToolPolicy.sideEffects(), args -> ToolResult.of("sent")))
                .build()
                .run(TASK);

        assertThat(result.waitingForApproval()).isFalse();
        assertThat(result.answer()).contains("no journal").contains("Agent.Builder.journal");
    }

    @Test
    void streamedReadOnlyCallsStartAtOnceButASideEffectWaitsUntilItsPlanIsJournaled() throws Exception {
        CountDownLatch lookupStarted = new CountDownLatch(1);
        CountDownLatch sendStarted = new CountDownLatch(1);
        AtomicBoolean lookupDuringStream = new AtomicBoolean();
        AtomicBoolean sendDuringStream = new AtomicBoolean();
        ScriptedStreamingChatModel streaming = new ScriptedStreamingChatModel(request ->
                request.messages().stream().anyMatch(m -> m instanceof ToolExecutionResultMessage)
                        ? List.of(Piece.text("done"))
                        : List.of(
                                Piece.toolCall(call("c1", "lookup", "{\"q\":\"a\"}")),
                                Piece.toolCall(call("c2", "send", "{\"q\":\"x\"}"))
                                        .after(() -> lookupDuringStream.set(await(lookupStarted, 30_000))),
                                Piece.text(" ").after(() -> sendDuringStream.set(await(sendStarted, 300)))));
        Agent agent = Agent.builder()
                .streamingModel(streaming)
                .journal(FileJournal.in(dir))
                .approvalHandler(ApprovalHandler.approveAll())
                .tool(TestTools.tool("lookup", ToolPolicy.readOnly(), args -> {
                    lookupStarted.countDown();
                    return ToolResult.of("found");
                }))
                .tool(TestTools.tool("send", ToolPolicy.sideEffects(), args -> {
                    sendStarted.countDown();
                    count("send");
                    return ToolResult.of("sent");
                }))
                .build();

        AgentResult result = agent.run(TASK);

        assertThat(result.answer()).isEqualTo("done");
        assertThat(lookupDuringStream)
                .as("a read-only call dispatches while the model streams")
                .isTrue();
        assertThat(sendDuringStream)
                .as("a side effect waits for its plan to be journaled")
                .isFalse();
        assertThat(count("send", 0)).isEqualTo(1);
    }

    private static boolean await(CountDownLatch latch, long millis) {
        try {
            return latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
