package dev.quarry.agent;

import static dev.quarry.agent.TestTools.tool;
import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.InvalidAnswerException;
import dev.quarry.agent.model.PriceTable;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel.Piece;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What an application holds: streamed runs, typed answers, async runs, and the run's cost. */
class ApplicationApiTest {

    /** A tool that blocks until interrupted, telling when it started and when it ended. */
    static dev.quarry.agent.tool.Tool blocking(CountDownLatch started, CountDownLatch ended) {
        return tool("block", ToolPolicy.readOnly().withIdempotent(false), args -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return ToolResult.of("never");
            } finally {
                ended.countDown();
            }
        });
    }

    static Agent echoAgent(ScriptedChatModel model) {
        return Agent.builder()
                .model(model)
                .tool(TestTools.echo("echo"))
                .tool(tool("send", ToolPolicy.sideEffects(), args -> ToolResult.of("sent")))
                .approvalHandler(ApprovalHandler.approveAll())
                .build();
    }

    @Test
    void aStreamedRunPublishesEveryStepApprovalModelCallAndTheResultInOrder() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("e1", "echo", "{\"q\":\"hi\"}"), call("s1", "send", "{\"q\":\"mail\"}")),
                AiMessage.from("all done"));
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        AgentResult result = echoAgent(model).stream("go", events::add);

        assertThat(result.answer()).isEqualTo("all done");
        assertThat(events.getFirst()).isInstanceOf(RunEvent.Started.class);
        assertThat(events.getLast()).isInstanceOfSatisfying(RunEvent.Finished.class, f -> {
            assertThat(f.result().answer()).isEqualTo("all done");
            assertThat(f.droppedEvents()).isZero();
        });
        assertThat(events).filteredOn(e -> e instanceof RunEvent.StepScheduled).hasSize(2);
        assertThat(events).filteredOn(e -> e instanceof RunEvent.StepStarted).hasSize(2);
        assertThat(events)
                .filteredOn(e -> e instanceof RunEvent.StepFinished)
                .extracting(e -> ((RunEvent.StepFinished) e).result().status())
                .containsOnly(StepStatus.SUCCEEDED);
        assertThat(events)
                .filteredOn(e -> e instanceof RunEvent.ApprovalRequested)
                .hasSize(1);
        assertThat(events)
                .filteredOn(e -> e instanceof RunEvent.ApprovalDecided)
                .singleElement()
                .satisfies(e ->
                        assertThat(((RunEvent.ApprovalDecided) e).approved()).isTrue());
        assertThat(events)
                .filteredOn(e -> e instanceof RunEvent.ModelCallFinished)
                .hasSize(2);
        assertThat(events)
                .filteredOn(e -> e instanceof RunEvent.Text)
                .extracting(e -> ((RunEvent.Text) e).text())
                .contains("all done");
        assertThat(events)
                .extracting(RunEvent::runId)
                .containsOnly(result.trace().runId());
    }

    @Test
    void theAnswersFirstTokenReachesTheSubscriberWhileTheModelIsStillWriting() throws Exception {
        CountDownLatch firstTokenSeen = new CountDownLatch(1);
        // the model writes "Hello", then waits until the subscriber has seen it, then writes the rest
        ScriptedStreamingChatModel model = new ScriptedStreamingChatModel(
                request -> List.of(Piece.text("Hello"), Piece.text(", world").after(() -> await(firstTokenSeen))));
        Agent agent = Agent.builder().streamingModel(model).build();
        List<String> texts = new CopyOnWriteArrayList<>();
        AgentResult result = agent.stream("greet", event -> {
            if (event instanceof RunEvent.Text text) {
                texts.add(text.text());
                firstTokenSeen.countDown();
            }
        });
        assertThat(texts).containsExactly("Hello", ", world");
        assertThat(result.answer()).isEqualTo("Hello, world");
        // the trace records when the first token reached the application, before the run ended
        assertThat(result.trace().firstAnswerToken()).isPresent();
        assertThat(result.trace().firstAnswerToken().get())
                .isLessThanOrEqualTo(result.trace().wallTime());
        assertThat(result.trace().toJson()).contains("firstAnswerTokenMillis");
        assertThat(result.trace().toHtml()).contains("first answer token");
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSubscriberThatThrowsDoesNotKillTheRun() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("e1", "echo", "{\"q\":\"hi\"}")), AiMessage.from("still answered"));
        AgentResult result = echoAgent(model).stream("go", event -> {
            throw new IllegalStateException("a broken subscriber");
        });
        assertThat(result.answer()).isEqualTo("still answered");
    }

    @Test
    void cancellingTheSubscriptionCancelsTheRunAndItsSteps() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        var block = blocking(started, ended);
        ScriptedChatModel model =
                ScriptedChatModel.turns(toolCalls(call("b1", "block", "{\"q\":\"x\"}")), AiMessage.from("never"));
        Flow.Publisher<RunEvent> run = Agent.builder().model(model).tool(block).build().stream("block");
        CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
        run.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscribed.complete(s);
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(RunEvent event) {}

            @Override
            public void onError(Throwable error) {}

            @Override
            public void onComplete() {}
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        subscribed.get(10, TimeUnit.SECONDS).cancel();
        assertThat(ended.await(10, TimeUnit.SECONDS))
                .as("the step was interrupted")
                .isTrue();
    }

    @Test
    void runAsyncCompletesWithTheResultAndCancelStopsEveryStep() throws Exception {
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("async answer"));
        assertThat(Agent.builder()
                        .model(model)
                        .build()
                        .runAsync("hi")
                        .get(10, TimeUnit.SECONDS)
                        .answer())
                .isEqualTo("async answer");

        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        var block = blocking(started, ended);
        CompletableFuture<AgentResult> running = Agent.builder()
                .model(ScriptedChatModel.turns(toolCalls(call("b1", "block", "{\"q\":\"x\"}")), AiMessage.from("x")))
                .tool(block)
                .build()
                .runAsync("block");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(running.cancel(true)).isTrue();
        assertThatThrownBy(running::join).isInstanceOf(CancellationException.class);
        assertThat(ended.await(10, TimeUnit.SECONDS))
                .as("the step was interrupted")
                .isTrue();
    }

    record Trip(String city, LocalDate date, int travellers) {}

    @Test
    void aTypedAnswerIsParsedValidatedAndCorrectedWithBothPlanners() {
        ScriptedChatModel model = ScriptedChatModel.turns(
                AiMessage.from("Here it is: {\"city\": \"Lyon\", \"date\": \"2026-12-24\"}"),
                AiMessage.from("{\"city\": \"Lyon\", \"date\": \"2026-12-24\", \"travellers\": 2}"));
        Trip trip = Agent.builder().model(model).build().run("Plan a trip to Lyon for two", Trip.class);
        assertThat(trip).isEqualTo(new Trip("Lyon", LocalDate.of(2026, 12, 24), 2));
        String firstTask = model.requests().getFirst().messages().getLast().toString();
        assertThat(firstTask).contains("JSON schema").contains("travellers");
        assertThat(model.requests().get(1).messages().getLast().toString())
                .contains("does not match the required JSON schema")
                .contains("travellers");

        ScriptedChatModel planning = ScriptedChatModel.turns(
                AiMessage.from(
                        "{\"answer\": \"{\\\"city\\\": \\\"Nice\\\", \\\"date\\\": \\\"2027-01-02\\\", \\\"travellers\\\": 1}\"}"));
        Trip planned =
                Agent.builder().model(planning).planner(Planner.graph()).build().run("Plan a trip to Nice", Trip.class);
        assertThat(planned.city()).isEqualTo("Nice");
    }

    @Test
    void aReplyThatNeverFitsEndsWithATypedErrorQuotingIt() {
        ScriptedChatModel model = ScriptedChatModel.replying(request -> AiMessage.from("I would rather not."));
        Agent agent = Agent.builder().model(model).build();
        assertThatThrownBy(() -> agent.run("Plan a trip", Trip.class))
                .isInstanceOf(InvalidAnswerException.class)
                .hasMessageContaining("I would rather not.")
                .hasMessageContaining("no JSON object");
        assertThat(model.requests()).hasSize(1 + 2);
        assertThatThrownBy(() -> agent.run("x", String.class)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void usagePricesARunFromATable() {
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("priced"));
        AgentResult result = Agent.builder().model(model).build().run("hi");
        PriceTable prices = PriceTable.builder()
                .fallback(new PriceTable.Price("3.00", "15.00", "0.30", "3.75"))
                .build();
        long input = result.usage().inputTokens();
        long output = result.usage().outputTokens();
        BigDecimal expected = BigDecimal.valueOf(input * 3 + output * 15).divide(BigDecimal.valueOf(1_000_000));
        assertThat(result.usage().cost(prices)).isEqualByComparingTo(expected);
        assertThatThrownBy(() -> result.usage().cost(PriceTable.builder().build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no price for model");
    }
}
