package dev.quarry.agent.error;

/**
 * A stored conversation cannot be read or written: the store failed, or the entry is corrupt or was written
 * in another format version. The message names the conversation and the store; nothing else is lost.
 */
public final class ConversationStoreException extends QuarryException {

    public ConversationStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    private ConversationStoreException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public ConversationStoreException withPartial(Object partialResult) {
        return new ConversationStoreException(getMessage(), this, partialResult);
    }
}
