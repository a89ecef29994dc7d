package dev.quarry.index;

/**
 * The index on disk cannot be used with this configuration: written by an incompatible Quarry or Lucene
 * version, or with an embedding model of another dimension.
 */
public final class IncompatibleIndexException extends IndexException {

    public IncompatibleIndexException(String message) {
        super(message);
    }

    public IncompatibleIndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
