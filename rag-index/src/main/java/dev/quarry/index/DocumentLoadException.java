package dev.quarry.index;

import java.nio.file.Path;

/** A file could not be turned into a {@link Document}; the message names the file and the reason. */
public final class DocumentLoadException extends Exception {

    private final transient Path file;

    public DocumentLoadException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    public DocumentLoadException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    /** The file that failed to load. */
    public Path file() {
        return file;
    }
}
