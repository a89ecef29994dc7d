package dev.quarry.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelChain;
import dev.quarry.agent.model.StreamSink;
import dev.quarry.agent.plan.PlanningContext;
import dev.quarry.agent.schedule.Deadline;
import dev.quarry.agent.trace.Trace;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The model calls of one run: numbers them, sends each through the run's model chain, publishes text that may
 * be the answer as {@link RunEvent.Text}, and remembers when each call's first text arrived (the answer's
 * first token in the trace).
 */
final class RunModelCalls implements AutoCloseable {

    /** Model calls whose streamed text may be the answer. */
    private static final Set<String> ANSWER_PURPOSES = Set.of("turn", "join", "format");

    private final String runId;
    private final ModelChain chain;
    private final Deadline deadline;
    private final Trace trace;
    private final RunEvents events;
    private final AtomicInteger count = new AtomicInteger();
    private final Map<String, Long> firstText = new ConcurrentHashMap<>();

    RunModelCalls(String runId, ModelChain chain, Deadline deadline, Trace trace, RunEvents events) {
        this.runId = runId;
        this.chain = chain;
        this.deadline = deadline;
        this.trace = trace;
        this.events = events;
    }

    /** A streamed call: tool calls and text reach the planner's sinks as they are written. */
    PlanningContext.ModelTurn stream(
            String purpose,
            ChatRequest request,
            PlanningContext.ToolCallSink onToolCall,
            PlanningContext.TextSink onText) {
        boolean answerText = ANSWER_PURPOSES.contains(purpose);
        return call(purpose, request, true, id -> new StreamSink() {
            @Override
            public void onText(String text) {
                onText.accept(id, text);
                if (answerText) {
                    firstText.putIfAbsent(id, trace.now());
                    events.emit(new RunEvent.Text(runId, id, text));
                }
            }

            @Override
            public void onToolCall(ToolExecutionRequest call) {
                onToolCall.accept(id, call);
            }
        });
    }

    /** One model call through the run's chain; what was not streamed reaches the sink once the call is back. */
    PlanningContext.ModelTurn call(
            String purpose, ChatRequest request, boolean streaming, Function<String, StreamSink> sinkFor) {
        String id = "model-" + count.incrementAndGet();
        TrackingSink sink = new TrackingSink(sinkFor.apply(id));
        ChatResponse response = chain.call(new ModelCall(runId, id, purpose, request, streaming, sink, deadline))
                .chatResponse();
        if (streaming) {
            sink.deliverUnstreamed(response);
        }
        return new PlanningContext.ModelTurn(id, response);
    }

    /**
     * Ends the run's trace; when it answered, its answer's first token is the last call's first text (or now,
     * when that call streamed none).
     */
    void finishTrace(boolean answered) {
        if (answered) {
            trace.firstAnswerToken(firstText.getOrDefault("model-" + count.get(), trace.now()));
        }
        trace.finish();
    }

    /** A model call the tool of step {@code stepId} makes, through the run's chain. */
    PlanningContext.ModelTurn toolCall(String stepId, ChatRequest request) {
        return call(ModelCall.toolPurpose(stepId), request, false, id -> StreamSink.NONE);
    }

    @Override
    public void close() {
        chain.close();
    }
}
