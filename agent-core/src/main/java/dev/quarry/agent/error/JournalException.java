package dev.quarry.agent.error;

/**
 * A run journal could not be written or read: the disk or database failed, or a record is damaged in a way
 * that makes replaying it unsafe. The message names the run and the journal's location.
 */
public final class JournalException extends QuarryException {

    /** An error with what failed and where. */
    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error with what failed and where. */
    public JournalException(String message) {
        super(message);
    }

    private JournalException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public JournalException withPartial(Object partialResult) {
        return new JournalException(getMessage(), this, partialResult);
    }
}
