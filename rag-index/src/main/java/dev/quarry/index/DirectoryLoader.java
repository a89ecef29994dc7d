package dev.quarry.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Walks a directory tree and loads every supported file that matches the include globs and none of the
 * exclude globs (glob syntax of {@link java.nio.file.FileSystem#getPathMatcher}, matched against the path
 * relative to the root, e.g. {@code **}{@code /*.md}). A file that fails to load is reported in the
 * {@link LoadReport}; the walk goes on with the rest. Symbolic links are not followed.
 */
public final class DirectoryLoader {

    private final Path root;
    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;
    private final DocumentLoader loader;

    private DirectoryLoader(Builder builder) {
        this.root = builder.root.toAbsolutePath().normalize();
        this.includes = builder.includes.stream().map(DirectoryLoader::glob).toList();
        this.excludes = builder.excludes.stream().map(DirectoryLoader::glob).toList();
        this.loader = builder.loader;
    }

    /** A builder that loads the supported files under {@code root}. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** Loads every matching file; documents and failures come back together. */
    public LoadReport load() {
        List<Document> documents = new ArrayList<>();
        List<LoadReport.Failure> failures = new ArrayList<>();
        walk(documents::add, failures::add);
        return new LoadReport(documents, failures);
    }

    /** Streams documents to {@code onDocument} and failures to {@code onFailure}, one file at a time. */
    public void walk(Consumer<Document> onDocument, Consumer<LoadReport.Failure> onFailure) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + " is not a directory");
        }
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + root + ": " + e.getMessage(), e);
        }
        for (Path file : selectedFiles(onFailure)) {
            try {
                requireInside(realRoot, file);
                onDocument.accept(loader.load(root, file));
            } catch (DocumentLoadException e) {
                onFailure.accept(new LoadReport.Failure(file, e.getMessage()));
            }
        }
    }

    /**
     * The files to load, sorted; a file or folder that cannot be read is reported to {@code onFailure} and
     * the walk goes on.
     */
    private List<Path> selectedFiles(Consumer<LoadReport.Failure> onFailure) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    boolean regular =
                            attributes.isRegularFile() || attributes.isSymbolicLink() && Files.isRegularFile(file);
                    if (regular && selected(file)) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException error) {
                    onFailure.accept(new LoadReport.Failure(file, "cannot read: " + describe(error)));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk " + root + ": " + e.getMessage(), e);
        }
        files.sort(null);
        return files;
    }

    private static String describe(IOException error) {
        return error instanceof java.nio.file.AccessDeniedException ? "permission denied" : error.toString();
    }

    /** A symbolic link may point anywhere; only what really lies under the root is read. */
    private static void requireInside(Path realRoot, Path file) throws DocumentLoadException {
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(realRoot)) {
                throw new DocumentLoadException(
                        file, "refused: it is a link to " + real + ", outside the folder being loaded");
            }
        } catch (IOException e) {
            throw new DocumentLoadException(file, "cannot resolve: " + e.getMessage(), e);
        }
    }

    private boolean selected(Path file) {
        Path relative = root.relativize(file);
        boolean included = includes.isEmpty()
                ? DocumentLoader.supports(file)
                : includes.stream().anyMatch(m -> m.matches(relative));
        return included && excludes.stream().noneMatch(m -> m.matches(relative));
    }

    private static PathMatcher glob(String pattern) {
        return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    }

    /** Configures a {@link DirectoryLoader}. */
    public static final class Builder {
        private final Path root;
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private DocumentLoader loader = new DocumentLoader();

        private Builder(Path root) {
            this.root = Objects.requireNonNull(root, "root");
        }

        /** Adds an include glob; with none, every file of a supported type is included. */
        public Builder include(String glob) {
            includes.add(Objects.requireNonNull(glob));
            return this;
        }

        /** Skips the files whose path relative to the root matches this glob (for example {@code **}{@code /drafts/**}). */
        public Builder exclude(String glob) {
            excludes.add(Objects.requireNonNull(glob));
            return this;
        }

        /** The loader used for each file; the default reads text, Markdown, HTML and PDF. */
        public Builder loader(DocumentLoader loader) {
            this.loader = Objects.requireNonNull(loader);
            return this;
        }

        /** The loader; walking it fails with an {@code IllegalArgumentException} when the root is not a folder. */
        public DirectoryLoader build() {
            return new DirectoryLoader(this);
        }
    }
}
