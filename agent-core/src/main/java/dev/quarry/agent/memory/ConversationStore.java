package dev.quarry.agent.memory;

import java.util.Optional;

/**
 * Where {@link dev.quarry.agent.AgentSession}s keep their conversations, so that
 * {@code agent.session(id)} continues one in any JVM that shares the store. Built in:
 * {@link InMemoryConversationStore} (the default, gone with the JVM), {@link FileConversationStore} (a
 * folder) and {@link JdbcConversationStore} (the database the JDBC journal uses).
 *
 * <p>A session run holds the conversation's {@link #lease} from loading it until it saves the answer, so
 * two runs of one conversation never interleave: the second is refused with
 * {@link dev.quarry.agent.error.ConversationBusyException}, in this JVM or another. Saves are also checked
 * against the revision loaded.
 */
public interface ConversationStore {

    /**
     * The conversation, or empty when nothing was saved under {@code id}.
     *
     * @throws dev.quarry.agent.error.ConversationStoreException when it cannot be read, is corrupt or was
     *     written by another format version (nothing else in the store is affected)
     */
    Optional<Conversation> load(String id);

    /**
     * Saves {@code conversation} if the stored revision is the one before it.
     *
     * @throws dev.quarry.agent.error.ConversationBusyException when another run saved it meanwhile
     * @throws dev.quarry.agent.error.ConversationStoreException when it cannot be written
     */
    void save(Conversation conversation);

    /** Forgets the conversation; nothing happens when there is none. */
    void delete(String id);

    /**
     * Holds the conversation for one run until the lease is closed.
     *
     * @throws dev.quarry.agent.error.ConversationBusyException at once when another run holds it
     */
    Lease lease(String id);

    /** A held conversation; closing it lets the next run in. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
