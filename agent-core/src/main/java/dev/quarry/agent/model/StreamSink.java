package dev.quarry.agent.model;

import dev.langchain4j.agent.tool.ToolExecutionRequest;

/**
 * Receives a model call's output while it is written: text as it arrives and each tool call once its
 * arguments are complete. Without a streaming model the whole text and every tool call are delivered
 * once the response is in. Called on the model client's threads; a sink that throws fails the call.
 */
public interface StreamSink {

    /** Drops everything. */
    StreamSink NONE = new StreamSink() {};

    /** A piece of the answer's text. */
    default void onText(String text) {}

    /** A tool call whose arguments are complete; the caller may start it at once. */
    default void onToolCall(ToolExecutionRequest call) {}
}
