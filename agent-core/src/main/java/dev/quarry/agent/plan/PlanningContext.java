package dev.quarry.agent.plan;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@link Planner} works with during one run: the conversation, the tools, the model (with the run's
 * retries, limits, deadline and tracing already applied) and the run's step scheduler.
 */
public interface PlanningContext {

    /** The task of this run. */
    String task();

    /** The conversation so far (earlier turns of the session, then this task); planners append to it. */
    List<ChatMessage> conversation();

    /** The system prompt configured on the agent, or empty. */
    String systemPrompt();

    /** The tools this run may use. */
    ToolRegistry tools();

    /**
     * Calls the model through the run's model chain (limits, trace, usage, the agent's interceptors,
     * deadline, retry). Every step result awaited since the previous call is recorded as this call's input
     * in the trace.
     *
     * @param purpose a short label for the trace ({@code plan}, {@code join}, {@code turn})
     */
    ModelTurn chat(String purpose, ChatRequest request);

    /**
     * Calls the model and hands each tool call to {@code onToolCall} as soon as it is complete: during the
     * stream with a streaming model, after the response otherwise. Streaming text is passed to
     * {@code onText} as it arrives (after the response without streaming).
     */
    ModelTurn stream(String purpose, ChatRequest request, ToolCallSink onToolCall, TextSink onText);

    /** Receives the text of a model turn as it streams, with the id of the model call writing it. */
    @FunctionalInterface
    interface TextSink {
        /** Takes a piece of text written by the model call {@code modelCallId}. */
        void accept(String modelCallId, String text);
    }

    /** Receives each complete tool call of a model turn, with the id of the model call writing it. */
    @FunctionalInterface
    interface ToolCallSink {
        /** Takes a complete tool call written by the model call {@code modelCallId}. */
        void accept(String modelCallId, ToolExecutionRequest call);
    }

    /**
     * Schedules a step planned by the model call {@code plannedBy}; it starts when its dependencies are done.
     *
     * @throws dev.quarry.agent.error.LimitExceededException when the run's step limit is reached
     */
    CompletableFuture<StepResult> submit(Step step, String plannedBy);

    /**
     * A step id for this run: {@code wanted} when no step of the run has it yet, otherwise {@code wanted}
     * with a suffix. A model may reuse a tool-call id in a later turn; step ids stay unique.
     */
    String uniqueStepId(String wanted);

    /**
     * Records a step that cannot run at all (its arguments are not JSON), so it appears in the run's
     * results; returns it as a completed future.
     */
    CompletableFuture<StepResult> reject(StepResult rejected);

    /** Waits for the steps, in order, within the run's deadline. */
    List<StepResult> await(List<CompletableFuture<StepResult>> steps);

    /** A model call's response and its id in the trace. */
    record ModelTurn(String id, ChatResponse response) {}
}
