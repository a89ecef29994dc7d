package dev.quarry.agent.model;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.schedule.Deadline;
import java.util.Objects;
import java.util.Optional;

/**
 * One model call of a run as it passes through the {@link ModelInterceptor} chain.
 *
 * @param runId the run
 * @param id the call's id in the trace and usage ({@code model-1}, ...)
 * @param purpose why the run calls the model ({@code turn}, {@code plan}, {@code join}, {@code format}, or
 *     {@link #TOOL_PURPOSE_PREFIX} and the step id for a call a tool makes)
 * @param request what is sent
 * @param streaming whether the caller wants tool calls and text as they are written (a streaming model is
 *     then used when the agent has one)
 * @param sink receives streamed text and complete tool calls
 * @param deadline the run's deadline; no stage may wait past it
 */
public record ModelCall(
        String runId,
        String id,
        String purpose,
        ChatRequest request,
        boolean streaming,
        StreamSink sink,
        Deadline deadline) {

    public ModelCall {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(deadline, "deadline");
    }

    /** How the purpose of a model call a tool makes begins; the step id follows. */
    public static final String TOOL_PURPOSE_PREFIX = "tool:";

    /** The purpose of a model call the tool of step {@code stepId} makes. */
    public static String toolPurpose(String stepId) {
        return TOOL_PURPOSE_PREFIX + stepId;
    }

    /** The step whose tool makes this call; empty for the planner's calls. */
    public Optional<String> toolStep() {
        return purpose.startsWith(TOOL_PURPOSE_PREFIX)
                ? Optional.of(purpose.substring(TOOL_PURPOSE_PREFIX.length()))
                : Optional.empty();
    }

    /** The same call sending {@code newRequest} instead. */
    public ModelCall withRequest(ChatRequest newRequest) {
        return new ModelCall(runId, id, purpose, newRequest, streaming, sink, deadline);
    }

    /** The same call delivering streamed output to {@code newSink}. */
    public ModelCall withSink(StreamSink newSink) {
        return new ModelCall(runId, id, purpose, request, streaming, newSink, deadline);
    }
}
