package dev.quarry.eval;

import dev.quarry.agent.error.QuarryException;

/** An evaluation dataset cannot be used: the message names the file, the line and the field to fix. */
public final class DatasetException extends QuarryException {

    public DatasetException(String message) {
        super(message);
    }

    private DatasetException(String message, Throwable cause, Object partial) {
        super(message, cause, partial);
    }

    @Override
    public DatasetException withPartial(Object partialResult) {
        return new DatasetException(getMessage(), this, partialResult);
    }
}
