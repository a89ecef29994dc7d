package dev.quarry.agent;

import static dev.quarry.agent.TestTools.tool;
import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.DeadlineExceededException;
import dev.quarry.agent.error.LimitExceededException;
import dev.quarry.agent.model.Usage;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sub-agents: an agent as a step of another's plan, under one deadline, budget, trace, stream and journal. */
class SubAgentTest {

    @TempDir
    Path dir;

    /** The text of the last message of a request. */
    static String last(ChatRequest request) {
        return switch (request.messages().getLast()) {
            case ToolExecutionResultMessage result -> result.text();
            case UserMessage user -> user.singleText();
            default -> request.messages().getLast().toString();
        };
    }

    /**
     * A child model: the first turn looks its task up, the next answers with what the look-up found. Each
     * look-up waits at {@code together}, so children only finish when they ran at the same time.
     */
    static Agent researcher(String name, Tool lookup) {
        ScriptedChatModel model = ScriptedChatModel.replying(
                request -> request.messages().getLast() instanceof ToolExecutionResultMessage result
                        ? AiMessage.from(name + " found " + result.text())
                        : toolCalls(call("l1", "lookup", "{\"q\":\"" + last(request) + "\"}")));
        return Agent.builder().model(model).tool(lookup).build();
    }

    static Tool lookup(CyclicBarrier together) {
        return tool("lookup", ToolPolicy.readOnly().withIdempotent(false), args -> {
            if (together != null) {
                together.await(30, TimeUnit.SECONDS);
            }
            String q = args.get("q").asText();
            return ToolResult.of("[" + q + "]", List.of(new Citation("doc-" + q, 0, 0, 5, q, "test")));
        });
    }

    /** A coordinator that calls both sub-agents in one turn, then answers with what they said. */
    static ScriptedChatModel coordinator() {
        return ScriptedChatModel.replying(request -> request.messages().getLast() instanceof ToolExecutionResultMessage
                ? AiMessage.from("summary of "
                        + request.messages().stream()
                                .filter(m -> m instanceof ToolExecutionResultMessage)
                                .map(m -> ((ToolExecutionResultMessage) m).text())
                                .toList())
                : toolCalls(call("c1", "lyon", "{\"task\":\"lyon\"}"), call("c2", "nice", "{\"task\":\"nice\"}")));
    }

    @Test
    void parallelSubAgentsRunAtOnceInsideTheParentsRunAndEverythingTheyDidIsInItsResult() {
        CyclicBarrier together = new CyclicBarrier(2);
        Agent parent = Agent.builder()
                .model(coordinator())
                .subAgent("lyon", "Researches Lyon", researcher("lyon", lookup(together)))
                .subAgent("nice", "Researches Nice", researcher("nice", lookup(together)))
                .build();
        List<RunEvent> events = new CopyOnWriteArrayList<>();

        AgentResult result = parent.stream("compare lyon and nice", events::add);

        assertThat(result.answer()).isEqualTo("summary of [lyon found [lyon], nice found [nice]]");
        assertThat(result.steps()).extracting(StepResult::status).containsOnly(StepStatus.SUCCEEDED);
        assertThat(result.citations())
                .extracting(Citation::documentId)
                .containsExactlyInAnyOrder("doc-lyon", "doc-nice");
        assertThat(result.subAgents()).extracting(SubAgentRun::agent).containsExactlyInAnyOrder("lyon", "nice");
        assertThat(result.subAgents()).allSatisfy(child -> {
            assertThat(child.runId()).isEqualTo(result.runId() + "." + child.stepId());
            assertThat(child.error()).isEmpty();
            assertThat(child.result().usage().calls()).hasSize(2);
        });
        // two calls of the coordinator and two of each child, all counted in the parent's usage
        assertThat(result.usage().calls()).hasSize(6);
        assertThat(result.usage().calls())
                .extracting(Usage.Call::id)
                .contains(result.runId() + ".c1/model-1", result.runId() + ".c2/model-2");
        assertThat(result.trace().nested()).extracting(n -> n.stepId()).containsExactlyInAnyOrder("c1", "c2");
        assertThat(result.trace().nested()).allSatisfy(n -> {
            assertThat(n.offsetNanos()).isPositive();
            assertThat(n.trace().criticalPath()).isPositive();
        });
        assertThat(result.trace().toJson()).contains("\"subAgents\"", "\"stepId\" : \"c1\"");
        assertThat(result.trace().toHtml()).contains("data-subagent=\"" + result.runId() + ".c1\"");
        assertThat(events)
                .filteredOn(e -> e instanceof RunEvent.SubAgentStarted)
                .extracting(e -> ((RunEvent.SubAgentStarted) e).childRunId())
                .containsExactlyInAnyOrder(result.runId() + ".c1", result.runId() + ".c2");
        assertThat(events)
                .filteredOn(RunEvent::fromSubAgent)
                .filteredOn(e -> e instanceof RunEvent.StepFinished)
                .extracting(RunEvent::runId)
                .containsExactlyInAnyOrder(result.runId() + ".c1", result.runId() + ".c2");
        assertThat(events.getLast()).isInstanceOf(RunEvent.Finished.class);
        assertThat(events.getFirst().fromSubAgent()).isFalse();
    }

    @Test
    void theGraphPlannerDispatchesSubAgentStepsInParallelAndPassesTheirAnswersOnByReference() {
        CyclicBarrier together = new CyclicBarrier(2);
        ScriptedChatModel planner = ScriptedChatModel.turns(AiMessage.from("""
                {"id": 1, "tool": "lyon", "args": {"task": "lyon"}}
                {"id": 2, "tool": "nice", "args": {"task": "nice"}}
                {"id": 3, "tool": "echo", "args": {"q": "$1 vs $2"}}
                {"answer": "$3"}
                """));
        AgentResult result = Agent.builder()
                .model(planner)
                .planner(Planner.graph())
                .tool(TestTools.echo("echo"))
                .subAgent("lyon", "Researches Lyon", researcher("lyon", lookup(together)))
                .subAgent("nice", "Researches Nice", researcher("nice", lookup(together)))
                .build()
                .run("compare");

        assertThat(result.answer()).isEqualTo("echo:lyon found [lyon] vs nice found [nice]");
        assertThat(planner.requests()).hasSize(1);
        assertThat(result.subAgents()).hasSize(2);
    }

    @Test
    void aChildCannotSpendMoreThanTheParentHasLeftAndBothPartialResultsSurvive() {
        // the parent may make 3 model calls in all: its own first turn and two of the child's
        Tool loop = tool("lookup", ToolPolicy.readOnly(), args -> ToolResult.of("more"));
        ScriptedChatModel endless =
                ScriptedChatModel.replying(request -> toolCalls(call("l", "lookup", "{\"q\":\"again\"}")));
        Agent child = Agent.builder().model(endless).tool(loop).build();
        ScriptedChatModel parentModel = ScriptedChatModel.turns(toolCalls(call("c1", "child", "{\"task\":\"dig\"}")));
        Agent parent = Agent.builder()
                .model(parentModel)
                .limits(Limits.DEFAULT.withMaxModelCalls(3))
                .subAgent("child", "Digs", child)
                .build();

        assertThatThrownBy(() -> parent.run("dig deep")).isInstanceOfSatisfying(LimitExceededException.class, e -> {
            AgentResult partial = e.partial(AgentResult.class).orElseThrow();
            assertThat(partial.usage().calls()).hasSize(3);
            assertThat(partial.steps()).singleElement().satisfies(step -> {
                assertThat(step.status()).isEqualTo(StepStatus.FAILED);
                assertThat(step.text()).startsWith("The sub-agent child failed: run ");
            });
            SubAgentRun run = partial.subAgents().getFirst();
            assertThat(run.error()).containsInstanceOf(LimitExceededException.class);
            assertThat(run.result().usage().calls()).hasSize(2);
            assertThat(run.result().steps()).hasSize(2);
        });
        assertThat(parentModel.requests()).hasSize(1);
    }

    @Test
    void aFailedChildIsAToolErrorTheParentsModelReadsAndRecoversFrom() {
        ScriptedChatModel endless =
                ScriptedChatModel.replying(request -> toolCalls(call("l", "lookup", "{\"q\":\"again\"}")));
        Agent child = Agent.builder()
                .model(endless)
                .tool(tool("lookup", ToolPolicy.readOnly(), args -> ToolResult.of("more")))
                .limits(Limits.DEFAULT.withMaxModelCalls(2)) // the child's own, smaller budget
                .build();
        ScriptedChatModel parentModel = ScriptedChatModel.replying(
                request -> request.messages().getLast() instanceof ToolExecutionResultMessage failed
                        ? AiMessage.from("could not: " + failed.text())
                        : toolCalls(call("c1", "child", "{\"task\":\"dig\"}")));

        AgentResult result = Agent.builder()
                .model(parentModel)
                .subAgent("child", "Digs", child)
                .build()
                .run("dig");

        assertThat(result.answer())
                .startsWith("could not: The sub-agent child failed: the run reached its limit of 2 model calls");
        assertThat(result.subAgents()).singleElement().satisfies(run -> {
            assertThat(run.error()).containsInstanceOf(LimitExceededException.class);
            assertThat(run.result().usage().calls()).hasSize(2);
        });
        assertThat(result.usage().calls()).hasSize(4);
    }

    @Test
    void theParentsDeadlineBoundsTheChildAndStopsItsTools() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        Agent child = Agent.builder()
                .model(ScriptedChatModel.turns(toolCalls(call("b", "block", "{\"q\":\"x\"}"))))
                .tool(ApplicationApiTest.blocking(started, ended))
                .build(); // its own deadline is the default 5 minutes
        Agent parent = Agent.builder()
                .model(ScriptedChatModel.turns(toolCalls(call("c1", "child", "{\"task\":\"wait\"}"))))
                .limits(Limits.DEFAULT.withDeadline(Duration.ofMillis(500)))
                .subAgent("child", "Waits", child)
                .build();

        assertThatThrownBy(() -> parent.run("wait")).isInstanceOf(DeadlineExceededException.class);
        assertThat(started.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(ended.await(30, TimeUnit.SECONDS))
                .as("the child's tool was interrupted")
                .isTrue();
    }

    @Test
    void cancellingTheParentCancelsTheChildAndItsTools() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        Agent child = Agent.builder()
                .model(ScriptedChatModel.turns(toolCalls(call("b", "block", "{\"q\":\"x\"}"))))
                .tool(ApplicationApiTest.blocking(started, ended))
                .build();
        Agent parent = Agent.builder()
                .model(ScriptedChatModel.turns(toolCalls(call("c1", "child", "{\"task\":\"wait\"}"))))
                .subAgent("child", "Waits", child)
                .build();

        CompletableFuture<AgentResult> running = parent.runAsync("wait");
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        running.cancel(true);

        assertThat(ended.await(30, TimeUnit.SECONDS))
                .as("the child's tool was interrupted")
                .isTrue();
        assertThatThrownBy(running::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void aHandoffEndsTheRunWithTheSpecialistsAnswerAndNoFurtherParentCall() {
        ScriptedChatModel parentModel =
                ScriptedChatModel.turns(toolCalls(call("h1", "billing", "{\"task\":\"refund order 7\"}")));
        Agent billing = Agent.builder()
                .model(ScriptedChatModel.replying(request -> AiMessage.from("Refund of order 7 is on its way.")))
                .build();

        AgentResult result = Agent.builder()
                .model(parentModel)
                .handoff("billing", "Answers billing questions", billing)
                .build()
                .run("I want my money back for order 7");

        assertThat(result.answer()).isEqualTo("Refund of order 7 is on its way.");
        assertThat(result.answeredBy()).contains("billing");
        assertThat(result.trace().toJson()).contains("\"answeredBy\" : \"billing\"");
        assertThat(parentModel.requests()).hasSize(1);
    }

    @Test
    void aResumedRunNeitherRerunsAFinishedChildNorRepeatsItsSideEffect() {
        AtomicInteger sent = new AtomicInteger();
        Tool send = tool("send", ToolPolicy.sideEffects(), args -> ToolResult.of("sent #" + sent.incrementAndGet()));
        ScriptedChatModel childModel = ScriptedChatModel.replying(
                request -> request.messages().getLast() instanceof ToolExecutionResultMessage result
                        ? AiMessage.from("mailer: " + result.text())
                        : toolCalls(call("s", "send", "{\"q\":\"hello\"}")));
        Agent mailer = Agent.builder()
                .model(childModel)
                .tool(send)
                .approvalHandler(ApprovalHandler.approveAll())
                .build();
        AtomicInteger parentCalls = new AtomicInteger();
        // the parent's process "dies" (its model fails for good) right after the child finished
        ScriptedChatModel dying = ScriptedChatModel.replying(request -> {
            if (parentCalls.incrementAndGet() > 1) {
                throw new IllegalStateException("the process died");
            }
            return toolCalls(call("c1", "mailer", "{\"task\":\"send hello\"}"));
        });
        FileJournal journal = FileJournal.in(dir);
        Agent.Builder parent = Agent.builder().journal(journal).subAgent("mailer", "Sends mail", mailer);
        String runId;
        try {
            parent.model(dying).build().run("send hello");
            throw new AssertionError("the run should have failed");
        } catch (RuntimeException e) {
            runId = journal.runIds().stream()
                    .filter(id -> !id.contains("."))
                    .findFirst()
                    .orElseThrow();
        }
        assertThat(sent).hasValue(1);
        assertThat(journal.runIds()).contains(runId + ".c1");
        int childCalls = childModel.requests().size();

        ScriptedChatModel restarted = ScriptedChatModel.replying(request -> AiMessage.from("done: " + last(request)));
        AgentResult resumed = parent.model(restarted).build().resume(runId);

        assertThat(resumed.answer()).isEqualTo("done: mailer: sent #1");
        assertThat(sent).hasValue(1);
        assertThat(childModel.requests()).hasSize(childCalls);
    }

    @Test
    void buildRefusesSubAgentsNestedDeeperThanTheLimitNamingThePath() {
        Agent leaf = Agent.builder().model(ScriptedChatModel.turns()).build();
        Agent middle = Agent.builder()
                .model(ScriptedChatModel.turns())
                .subAgent("leaf", "the leaf", leaf)
                .build();
        Agent upper = Agent.builder()
                .model(ScriptedChatModel.turns())
                .subAgent("middle", "the middle", middle)
                .build();

        assertThatThrownBy(() -> Agent.builder()
                        .model(ScriptedChatModel.turns())
                        .maxSubAgentDepth(2)
                        .subAgent("upper", "the upper", upper)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sub-agents nest 3 deep (upper > middle > leaf); the limit is 2");
        assertThat(Agent.builder()
                        .model(ScriptedChatModel.turns())
                        .subAgent("upper", "the upper", upper)
                        .build()
                        .tools()
                        .names())
                .containsExactly("upper");
        assertThatThrownBy(() -> Agent.builder()
                        .model(ScriptedChatModel.turns())
                        .maxSubAgentDepth(0)
                        .subAgent("x", " ", leaf)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxSubAgentDepth must be >= 1, was 0")
                .hasMessageContaining("sub-agent 'x' needs a description");
    }

    @Test
    void usedOutsideAnAgentRunASubAgentRunsOnItsOwn() throws Exception {
        SubAgent sub = SubAgent.of("lyon", "Researches Lyon", researcher("lyon", lookup(null)));
        var arguments = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("task", "lyon");

        ToolResult result = sub.execute(arguments, null);

        assertThat(result.text()).isEqualTo("lyon found [lyon]");
        assertThat(result.citations()).extracting(Citation::documentId).containsExactly("doc-lyon");
        assertThat(sub.specification().parameters().required()).containsExactly("task");
        assertThat(sub.policy().sideEffecting()).isFalse();
        assertThat(sub.policy().idempotent()).isFalse();
    }

    /** A typed answer of a sub-agent. */
    record Population(String city, int people) {}

    @Test
    void aTypedSubAgentShowsItsSchemaAndItsStepResultIsTheCorrectedJsonObject() {
        ScriptedChatModel childModel = ScriptedChatModel.turns(
                AiMessage.from("about half a million"), AiMessage.from("{\"city\": \"Lyon\", \"people\": 520000}"));
        Agent census = Agent.builder().model(childModel).build();
        ScriptedChatModel parentModel = ScriptedChatModel.replying(
                request -> request.messages().getLast() instanceof ToolExecutionResultMessage result
                        ? AiMessage.from("census says " + result.text())
                        : toolCalls(call("c1", "census", "{\"task\":\"Lyon\"}")));

        Agent parent = Agent.builder()
                .model(parentModel)
                .subAgent("census", "Counts people", census, Population.class)
                .build();
        AgentResult result = parent.run("how many in Lyon?");

        assertThat(parent.tools().find("census").orElseThrow().specification().description())
                .startsWith("Counts people It answers with one JSON object")
                .contains("\"people\"");
        assertThat(result.answer()).isEqualTo("census says {\"city\": \"Lyon\", \"people\": 520000}");
        assertThat(childModel.requests()).hasSize(2); // the answer, then its correction
        assertThatThrownBy(() -> Agent.builder()
                        .model(parentModel)
                        .subAgent("census", "Counts people", census, String.class)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a typed answer must be a record");
    }
}
