package dev.quarry.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder a {@link LuceneIndex} lives in, checked before Lucene touches it. Lucene deletes, as leftovers
 * of its own, any file whose name looks like an index file ({@code _config.yml}, {@code _todo.txt}) and
 * cannot open a folder holding a file named like a commit ({@code segments_notes.txt}); so Quarry writes
 * only into a folder that is new, empty, or already a Quarry index, and never creates one when it only
 * reads. A Quarry index is marked by the file {@value #MARKER}; an index written before the marker existed
 * is recognised by holding nothing but Lucene's files, and is marked when next opened for writing.
 */
final class IndexFolder {

    /** The file that marks a folder as a Quarry index. */
    static final String MARKER = "quarry-index.properties";

    private static final Pattern COMMIT = Pattern.compile("segments_[0-9a-z]+");
    private static final Pattern LUCENE_FILE = Pattern.compile(
            "segments_[0-9a-z]+|pending_segments_[0-9a-z]+|write\\.lock|_[0-9a-z]+(_[0-9a-z]+)*[._][A-Za-z0-9_.]+");

    private IndexFolder() {}

    /**
     * Checks {@code path} before an index is opened there, creating and marking it for a new index.
     *
     * @throws IndexException naming the problem and what to do: the folder is a file, holds files that are
     *     not a Quarry index, or holds no index when one is to be read
     */
    static void prepare(Path path, boolean readOnly) {
        try {
            if (!Files.exists(path)) {
                if (readOnly) {
                    throw noIndex(path);
                }
                Files.createDirectories(path);
                mark(path);
                return;
            }
            if (!Files.isDirectory(path)) {
                throw new IndexException(path + " is a file, not a folder; give the index a folder of its own");
            }
            List<String> names = names(path);
            List<String> strangeCommits = names.stream()
                    .filter(n -> n.startsWith("segments") && !COMMIT.matcher(n).matches())
                    .toList();
            if (!strangeCommits.isEmpty()) {
                throw new IndexException(path + " holds " + strangeCommits + ", which Lucene would read as index"
                        + " commits; move those files out, or give the index a folder of its own");
            }
            if (names.contains(MARKER) || unmarkedIndex(names)) {
                return;
            }
            if (names.isEmpty()) {
                if (readOnly) {
                    throw noIndex(path);
                }
                mark(path);
                return;
            }
            throw new IndexException(path + " is not empty and holds no Quarry index (it holds "
                    + abbreviate(names) + "); Quarry will not write there, because Lucene deletes files whose"
                    + " names look like its own. Give the index a new or empty folder, for example "
                    + path.resolve("quarry-index"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect index folder " + path, e);
        }
    }

    /** Whether {@code path} holds a Quarry index (marked, or written before the marker, with a commit). */
    static boolean holdsIndex(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try {
            List<String> names = names(path);
            return hasCommit(names) && (names.contains(MARKER) || unmarkedIndex(names));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect index folder " + path, e);
        }
    }

    /** The names in a folder, sorted. */
    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean hasCommit(List<String> names) {
        return names.stream().anyMatch(n -> COMMIT.matcher(n).matches());
    }

    /** An index written before the marker existed: a commit, and nothing but Lucene's files. */
    private static boolean unmarkedIndex(List<String> names) {
        return hasCommit(names)
                && names.stream().allMatch(n -> LUCENE_FILE.matcher(n).matches());
    }

    /** Marks a folder that holds a Quarry index (an index written before the marker existed, once opened). */
    static void mark(Path path) throws IOException {
        Path marker = path.resolve(MARKER);
        if (!Files.exists(marker)) {
            Files.writeString(
                    marker,
                    "# this folder is a Quarry index; Lucene manages every other file in it\n" + "format="
                            + LuceneIndex.FORMAT_VERSION + "\n");
        }
    }

    private static IndexException noIndex(Path path) {
        return new IndexException("no index at " + path + "; build one first (quarry index <dir>)");
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5
                ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }
}
