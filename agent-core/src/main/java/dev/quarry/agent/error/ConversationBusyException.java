package dev.quarry.agent.error;

/**
 * A run of a conversation was refused because another run of it is going on (in this JVM or another sharing
 * the store), or another run saved it meanwhile. Wait for that run to answer and try again, or continue
 * another conversation.
 */
public final class ConversationBusyException extends QuarryException {

    public ConversationBusyException(String message) {
        super(message);
    }

    private ConversationBusyException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public ConversationBusyException withPartial(Object partialResult) {
        return new ConversationBusyException(getMessage(), this, partialResult);
    }
}
