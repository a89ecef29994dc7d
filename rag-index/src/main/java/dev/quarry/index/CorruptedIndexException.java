package dev.quarry.index;

/** Lucene found the index files damaged; the message says how to recover. */
public final class CorruptedIndexException extends IndexException {

    public CorruptedIndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
