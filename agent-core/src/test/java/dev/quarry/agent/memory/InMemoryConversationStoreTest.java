package dev.quarry.agent.memory;

/** The contract on the default store. */
class InMemoryConversationStoreTest extends ConversationStoreContract {

    @Override
    ConversationStore store() {
        return new InMemoryConversationStore();
    }
}
