package dev.quarry.index;

/** Another writer (usually another process) holds the index's write lock. */
public final class IndexLockedException extends IndexException {

    public IndexLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
