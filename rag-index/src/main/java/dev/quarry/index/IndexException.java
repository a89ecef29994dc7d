package dev.quarry.index;

/** The index could not do what was asked; the message says why and what to do. */
public class IndexException extends RuntimeException {

    public IndexException(String message) {
        super(message);
    }

    public IndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
