package dev.quarry.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import java.util.ArrayList;
import java.util.List;

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
    public synchronized AgentResult run(String task) {
        Agent.Outcome outcome = agent.run(task, history, agent.tools());
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
