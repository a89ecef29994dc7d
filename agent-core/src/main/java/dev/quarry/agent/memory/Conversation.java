package dev.quarry.agent.memory;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import java.util.List;
import java.util.Objects;

/**
 * A stored conversation: its id, its revision (0 before anything was saved, one more with each save) and
 * its messages without the system prompt (the agent adds its own to each run).
 */
public record Conversation(String id, long revision, List<ChatMessage> messages) {

    public Conversation {
        ConversationIds.check(id);
        if (revision < 0) {
            throw new IllegalArgumentException("a conversation's revision is >= 0, was " + revision);
        }
        Objects.requireNonNull(messages, "messages");
        if (messages.stream().anyMatch(m -> m instanceof SystemMessage)) {
            throw new IllegalArgumentException(
                    "conversation " + id + " holds a system message; the agent adds its own system prompt");
        }
        messages = List.copyOf(messages);
    }

    /** A conversation nothing was said in yet. */
    public static Conversation empty(String id) {
        return new Conversation(id, 0, List.of());
    }

    /** The next revision of this conversation, holding {@code newMessages}. */
    public Conversation next(List<ChatMessage> newMessages) {
        return new Conversation(id, revision + 1, newMessages);
    }
}
