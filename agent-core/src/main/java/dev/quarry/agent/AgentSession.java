package dev.quarry.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.quarry.agent.memory.Conversation;
import dev.quarry.agent.memory.ConversationStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A conversation with an {@link Agent}: each run sees the earlier tasks, tool calls and answers (compacted
 * to the agent's {@link dev.quarry.agent.memory.ConversationMemory} budget when it has one). A session from
 * {@link Agent#session(String)} lives in the agent's {@link ConversationStore} and continues in any JVM
 * sharing the store; one from {@link Agent#session()} lives in this object only.
 *
 * <p>A run holds the conversation from loading it until its answer is saved: runs through this object are
 * serialised, and a run of the same conversation elsewhere meanwhile (another session object, another JVM)
 * is refused with {@link dev.quarry.agent.error.ConversationBusyException}. A run that fails adds nothing.
 */
public final class AgentSession {

    private final Agent agent;
    private final ConversationStore store;
    private final String id;

    AgentSession(Agent agent, ConversationStore store, String id) {
        this.agent = agent;
        this.store = store;
        this.id = id;
    }

    /** The conversation's id in its store. */
    public String id() {
        return id;
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
        try (ConversationStore.Lease lease = store.lease(id)) {
            Conversation conversation = store.load(id).orElse(Conversation.empty(id));
            Agent.Outcome outcome = agent.run(task, conversation.messages(), agent.tools(), events, null);
            List<ChatMessage> kept = new ArrayList<>(outcome.conversation());
            kept.removeIf(m -> m instanceof SystemMessage);
            store.save(conversation.next(kept));
            return outcome.result();
        }
    }

    /** The conversation so far (as compacted), without the system prompt. */
    public List<ChatMessage> history() {
        return store.load(id).map(Conversation::messages).orElse(List.of());
    }

    /** Forgets the conversation: the next run starts a new one under the same id. */
    public synchronized void clear() {
        store.delete(id);
    }
}
