package dev.quarry.agent.model;

import dev.langchain4j.agent.tool.ToolExecutionRequest;

/**
 * Receives a model call's output while it is written: text as it arrives and each tool call once its
 * arguments are complete. When nothing was streamed (a blocking model, or an interceptor that answered the
 * call itself), the run delivers the whole text and every tool call once the call has returned through the
 * chain. Called on the model client's threads; a sink that throws fails the call.
 */
public interface StreamSink {

    /** Drops everything. */
    StreamSink NONE = new StreamSink() {};

    /** A piece of the answer's text. */
    default void onText(String text) {}

    /** A tool call whose arguments are complete; the caller may start it at once. */
    default void onToolCall(ToolExecutionRequest call) {}
}
