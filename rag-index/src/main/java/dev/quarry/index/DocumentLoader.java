package dev.quarry.index;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * Reads one file into a {@link Document}: plain text and Markdown as UTF-8 (kept verbatim, so citations
 * point into the file's own text), HTML through jsoup (visible text, the {@code <title>} as title) and PDF
 * through PDFBox. The document id is the file's path relative to a root, with '/' separators.
 *
 * <p>Failures are {@link DocumentLoadException}s that name the file and say what is wrong with it.
 */
public final class DocumentLoader {

    /** Files larger than this are refused rather than read into memory. */
    public static final long DEFAULT_MAX_FILE_BYTES = 50L * 1024 * 1024;

    /**
     * Documents whose text is longer than this many characters are refused: the work a file may cost is
     * bounded (a small PDF can expand to a huge text), and the file is reported as a failure.
     */
    public static final int DEFAULT_MAX_TEXT_CHARS = 10_000_000;

    /** PDFs with more pages than this are refused. */
    public static final int MAX_PDF_PAGES = 5_000;

    private final long maxFileBytes;
    private final int maxTextChars;

    public DocumentLoader() {
        this(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TEXT_CHARS);
    }

    public DocumentLoader(long maxFileBytes) {
        this(maxFileBytes, DEFAULT_MAX_TEXT_CHARS);
    }

    /**
     * @param maxFileBytes larger files are refused unread
     * @param maxTextChars files whose text is longer are refused (PDFs are cut off while being read)
     */
    public DocumentLoader(long maxFileBytes, int maxTextChars) {
        if (maxFileBytes <= 0 || maxTextChars <= 0) {
            throw new IllegalArgumentException("maxFileBytes and maxTextChars must be positive");
        }
        this.maxFileBytes = maxFileBytes;
        this.maxTextChars = maxTextChars;
    }

    /** Whether the file's extension is one this loader reads. */
    public static boolean supports(Path file) {
        return formatOf(file) != null;
    }

    /** Loads {@code file}, using its path relative to {@code root} as the document id. */
    public Document load(Path root, Path file) throws DocumentLoadException {
        String id =
                root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        return load(id, file);
    }

    /** Loads {@code file} as the document {@code id}. */
    public Document load(String id, Path file) throws DocumentLoadException {
        String format = formatOf(file);
        if (format == null) {
            throw new DocumentLoadException(
                    file, "unsupported file type; supported: .txt, .md, .markdown, .html, .htm, .pdf");
        }
        try {
            long size = Files.size(file);
            if (size > maxFileBytes) {
                throw new DocumentLoadException(
                        file, "file is " + size + " bytes, over the limit of " + maxFileBytes + " bytes");
            }
            Map<String, String> metadata = Map.of("format", format);
            String uri = file.toUri().toString();
            Document document = switch (format) {
                case "html" -> html(id, file, uri, metadata);
                case "pdf" -> pdf(id, file, uri, metadata);
                default -> new Document(id, utf8(file), titleFromName(file), uri, metadata);
            };
            if (document.text().length() > maxTextChars) {
                throw tooLong(file);
            }
            if (document.text().isBlank()) {
                throw new DocumentLoadException(file, "no text in file");
            }
            return document;
        } catch (IOException e) {
            throw new DocumentLoadException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static String formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return switch (ext) {
            case "txt", "text" -> "text";
            case "md", "markdown" -> "markdown";
            case "html", "htm" -> "html";
            case "pdf" -> "pdf";
            default -> null;
        };
    }

    private static String utf8(Path file) throws IOException, DocumentLoadException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
            if (text.indexOf('\0') >= 0) {
                throw new DocumentLoadException(file, "file contains NUL characters; it looks binary, not text");
            }
            return text;
        } catch (CharacterCodingException e) {
            throw new DocumentLoadException(file, "not valid UTF-8 text; convert it to UTF-8 or exclude it", e);
        }
    }

    private static Document html(String id, Path file, String uri, Map<String, String> metadata) throws IOException {
        org.jsoup.nodes.Document html = org.jsoup.Jsoup.parse(file.toFile(), null);
        String text = html.body() == null ? "" : html.body().wholeText().strip();
        String title = html.title().isBlank() ? titleFromName(file) : html.title();
        return new Document(id, normaliseBlankLines(text), title, uri, metadata);
    }

    private DocumentLoadException tooLong(Path file) {
        return new DocumentLoadException(
                file, "its text is longer than the limit of " + maxTextChars + " characters; split it or exclude it");
    }

    /** The text of a PDF, page by page, stopping as soon as it passes the text limit. */
    private Document pdf(String id, Path file, String uri, Map<String, String> metadata) throws DocumentLoadException {
        try (PDDocument pdf = Loader.loadPDF(file.toFile())) {
            int pages = pdf.getNumberOfPages();
            if (pages > MAX_PDF_PAGES) {
                throw new DocumentLoadException(file, "it has " + pages + " pages, over the limit of " + MAX_PDF_PAGES);
            }
            PDFTextStripper stripper = new PDFTextStripper();
            StringBuilder text = new StringBuilder();
            for (int page = 1; page <= pages; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                text.append(stripper.getText(pdf));
                if (text.length() > maxTextChars) {
                    throw tooLong(file);
                }
            }
            String title = pdf.getDocumentInformation().getTitle();
            return new Document(
                    id,
                    text.toString().strip(),
                    title == null || title.isBlank() ? titleFromName(file) : title,
                    uri,
                    metadata);
        } catch (IOException e) {
            throw new DocumentLoadException(file, "not a readable PDF: " + e.getMessage(), e);
        }
    }

    private static String normaliseBlankLines(String text) {
        return text.replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n");
    }

    private static String titleFromName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
