package dev.quarry.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.quarry.agent.model.StreamSink;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink that holds what a model call streams until {@link #release()}, then hands it on in order and passes
 * the rest straight through: the first model call runs while the input guardrails check the task, and
 * nothing it streams (a tool call, answer text) takes effect before they pass.
 */
final class HeldSink implements StreamSink {

    private final StreamSink target;
    private List<Runnable> held = new ArrayList<>();

    HeldSink(StreamSink target) {
        this.target = target;
    }

    @Override
    public void onText(String text) {
        deliver(() -> target.onText(text));
    }

    @Override
    public void onToolCall(ToolExecutionRequest call) {
        deliver(() -> target.onToolCall(call));
    }

    private void deliver(Runnable event) {
        synchronized (this) {
            if (held != null) {
                held.add(event);
                return;
            }
        }
        event.run();
    }

    /** Hands on what was held, in order; later events pass straight through. */
    void release() {
        List<Runnable> waiting;
        synchronized (this) {
            waiting = held;
            held = null;
        }
        // a stream event arriving meanwhile goes through directly; the sink's order is per stream thread, and
        // the held events are delivered before this call returns and before the response is read
        waiting.forEach(Runnable::run);
    }
}
