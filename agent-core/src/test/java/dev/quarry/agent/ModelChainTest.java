package dev.quarry.agent;

import static dev.quarry.agent.TestTools.contextTool;
import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.LimitExceededException;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelResponse;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.agent.trace.Span;
import dev.quarry.testkit.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every model call of a run, the planner's and the tools', passes through one chain of interceptors. */
class ModelChainTest {

    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));

    @Test
    void aUsersInterceptorSeesEachLogicalCallOnceWithRetriesInsideIt() {
        AtomicInteger requests = new AtomicInteger();
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            if (requests.incrementAndGet() == 1) {
                throw new RateLimitException("slow down");
            }
            return AiMessage.from("fine");
        });
        List<String> seen = new CopyOnWriteArrayList<>();
        ModelInterceptor recording = (call, chain) -> {
            seen.add(call.id() + " " + call.purpose());
            return chain.proceed(call);
        };
        AgentResult result = Agent.builder()
                .model(model)
                .modelRetry(FAST)
                .modelInterceptor(recording)
                .build()
                .run("hello");
        assertThat(result.answer()).isEqualTo("fine");
        assertThat(seen).containsExactly("model-1 turn");
        assertThat(requests).hasValue(2);
        assertThat(result.usage().calls().getFirst().attempts()).isEqualTo(2);
    }

    @Test
    void anInterceptorMayAnswerWithoutTheModelAndTheAnswerIsCountedAndTraced() {
        ScriptedChatModel model = ScriptedChatModel.turns();
        ModelInterceptor cache = (call, chain) -> ModelResponse.answered(
                ChatResponse.builder().aiMessage(AiMessage.from("cached")).build());
        AgentResult result =
                Agent.builder().model(model).modelInterceptor(cache).build().run("hello");
        assertThat(result.answer()).isEqualTo("cached");
        assertThat(model.requests()).isEmpty();
        assertThat(result.usage().modelCalls()).isEqualTo(1);
        assertThat(result.usage().calls().getFirst().attempts()).isZero();
        assertThat(result.trace().spans()).extracting(Span::kind).containsExactly(Span.Kind.MODEL);
    }

    @Test
    void anInterceptorMayRewriteTheRequest() {
        ScriptedChatModel model = ScriptedChatModel.replying(
                request -> AiMessage.from(((UserMessage) request.messages().getLast()).singleText()));
        ModelInterceptor redact = (call, chain) -> {
            var messages = call.request().messages().stream()
                    .map(m -> m instanceof UserMessage user
                            ? UserMessage.from(user.singleText().replaceAll("\\d{4}-\\d{4}", "[card]"))
                            : m)
                    .toList();
            return chain.proceed(call.withRequest(
                    call.request().toBuilder().messages(messages).build()));
        };
        AgentResult result =
                Agent.builder().model(model).modelInterceptor(redact).build().run("pay with 1234-5678");
        assertThat(result.answer()).isEqualTo("pay with [card]");
    }

    @Test
    void aConfigurationErrorRaisedInsideAModelCallReachesTheCallerAsItself() {
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            throw new ConfigurationException("no credentials: set AWS_PROFILE");
        });
        Agent agent = Agent.builder().model(model).modelRetry(FAST).build();
        assertThatThrownBy(() -> agent.run("hello"))
                .isExactlyInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_PROFILE")
                .satisfies(e -> assertThat(((ConfigurationException) e).partial(AgentResult.class))
                        .isPresent());
        assertThat(model.requests()).as("not retried").hasSize(1);
    }

    @Test
    void modelCallsOfAToolGoThroughTheRunsChainAndCountAgainstItsLimits() {
        var asking = contextTool("summarise", ToolPolicy.readOnly(), (args, ctx) -> {
            ChatModel model = ctx.model().orElseThrow();
            return ToolResult.of(model.chat("summarise " + args.get("q").asText()));
        });
        ScriptedChatModel model = ScriptedChatModel.replying(request -> {
            String last = request.messages().getLast() instanceof UserMessage user ? user.singleText() : "";
            if (last.startsWith("summarise ")) {
                return AiMessage.from("short " + last.substring(10));
            }
            return request.messages().size() == 1
                    ? toolCalls(call("s1", "summarise", "{\"q\":\"report\"}"))
                    : AiMessage.from("done");
        });
        AgentResult result = Agent.builder().model(model).tool(asking).build().run("what does the report say?");
        assertThat(result.steps().getFirst().text()).isEqualTo("short report");
        assertThat(result.usage().modelCalls()).isEqualTo(3);
        assertThat(result.trace().spans())
                .filteredOn(s -> s.kind() == Span.Kind.MODEL)
                .extracting(Span::name)
                .contains("tool:s1");

        Agent limited = Agent.builder()
                .model(model)
                .tool(asking)
                .limits(Limits.DEFAULT.withMaxModelCalls(2))
                .build();
        assertThatThrownBy(() -> limited.run("what does the report say?"))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("limit of 2 model calls");
    }
}
