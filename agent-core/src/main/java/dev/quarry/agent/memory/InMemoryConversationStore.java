package dev.quarry.agent.memory;

import dev.quarry.agent.error.ConversationBusyException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Conversations in this JVM's memory: the default store, for an application with one instance. */
public final class InMemoryConversationStore implements ConversationStore {

    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    @Override
    public Optional<Conversation> load(String id) {
        return Optional.ofNullable(conversations.get(ConversationIds.check(id)));
    }

    @Override
    public void save(Conversation conversation) {
        conversations.compute(conversation.id(), (id, stored) -> {
            long current = stored == null ? 0 : stored.revision();
            if (current != conversation.revision() - 1) {
                throw Leases.savedMeanwhile(id, current, conversation.revision());
            }
            return conversation;
        });
    }

    @Override
    public void delete(String id) {
        conversations.remove(ConversationIds.check(id));
    }

    @Override
    public Lease lease(String id) {
        if (!held.add(ConversationIds.check(id))) {
            throw new ConversationBusyException(Leases.busy(id, "this JVM"));
        }
        return () -> held.remove(id);
    }
}
