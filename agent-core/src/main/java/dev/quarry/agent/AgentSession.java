package dev.quarry.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A conversation with an {@link Agent}: each run sees the earlier tasks, tool calls and answers. Runs of one
 * session are serialised; use one session per conversation.
 */
public final class AgentSession {

    private final Agent agent;
    private List<ChatMessage> history = List.of();

    AgentSession(Agent agent) {
        this.agent = agent;
    }

    /** Runs the task with the conversation so far; on success the task and its answer join the history. */
    public AgentResult run(String task) {
        return run(task, RunEvents.NONE);
    }

    /** {@link Agent#stream(String)} within this conversation; the history grows when the run answers. */
    public Flow.Publisher<RunEvent> stream(String task) {
        return new RunPublisher(events -> run(task, events));
    }

    /** {@link Agent#stream(String, Consumer)} within this conversation. */
    public AgentResult stream(String task, Consumer<RunEvent> onEvent) {
        return RunStreams.collect(stream(task), onEvent);
    }

    private synchronized AgentResult run(String task, Consumer<RunEvent> events) {
        Agent.Outcome outcome = agent.run(task, history, agent.tools(), events, null);
        List<ChatMessage> kept = new ArrayList<>(outcome.conversation());
        kept.removeIf(m -> m instanceof SystemMessage);
        history = List.copyOf(kept);
        return outcome.result();
    }

    /** The conversation so far, without the system prompt. */
    public synchronized List<ChatMessage> history() {
        return history;
    }
}
