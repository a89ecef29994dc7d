package dev.quarry.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.quarry.agent.model.StreamSink;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A sink that remembers whether anything was streamed to it, so that what a blocking model (or an
 * interceptor that answered the call itself) returned can be delivered once the call is back.
 */
final class TrackingSink implements StreamSink {

    private final StreamSink sink;
    private final AtomicBoolean streamed = new AtomicBoolean();

    TrackingSink(StreamSink sink) {
        this.sink = sink;
    }

    @Override
    public void onText(String text) {
        streamed.set(true);
        sink.onText(text);
    }

    @Override
    public void onToolCall(ToolExecutionRequest call) {
        streamed.set(true);
        sink.onToolCall(call);
    }

    /** Hands the response's text and tool calls to the sink, unless they were streamed to it already. */
    void deliverUnstreamed(ChatResponse response) {
        if (streamed.get()) {
            return;
        }
        if (response.aiMessage().text() != null) {
            sink.onText(response.aiMessage().text());
        }
        response.aiMessage().toolExecutionRequests().forEach(sink::onToolCall);
    }
}
