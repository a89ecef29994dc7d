package dev.quarry.index;

import java.nio.file.Path;
import java.util.List;

/**
 * What a directory walk produced: the documents it loaded and, per file, why any others were skipped.
 *
 * @param documents loaded documents, in path order
 * @param failures files that could not be loaded, each with the reason
 */
public record LoadReport(List<Document> documents, List<Failure> failures) {

    public LoadReport {
        documents = List.copyOf(documents);
        failures = List.copyOf(failures);
    }

    /** One file that was not loaded, and why. */
    public record Failure(Path file, String reason) {}
}
