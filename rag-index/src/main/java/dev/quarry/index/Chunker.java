package dev.quarry.index;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts a document into chunks of at most {@code maxChars} characters that end on sentence boundaries,
 * prefer paragraph boundaries, and overlap their predecessor by up to {@code overlapChars} characters of
 * whole sentences. Every chunk's offsets point at the exact span of the original text, trimmed of
 * surrounding whitespace. A sentence longer than {@code maxChars} is split at whitespace, or at the bound
 * when it has none. Chunking is linear in the length of the text.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Chunker {

    /** Default chunk bound: about 200 English words, a good unit for BM25 and small embedding models. */
    public static final int DEFAULT_MAX_CHARS = 1000;

    public static final int DEFAULT_OVERLAP_CHARS = 150;

    private final int maxChars;
    private final int overlapChars;

    public Chunker(int maxChars, int overlapChars) {
        if (maxChars < 50) {
            throw new IllegalArgumentException("maxChars must be at least 50, was " + maxChars);
        }
        if (overlapChars < 0 || overlapChars >= maxChars / 2) {
            throw new IllegalArgumentException(
                    "overlapChars must be in [0, maxChars/2), was " + overlapChars + " for maxChars " + maxChars);
        }
        this.maxChars = maxChars;
        this.overlapChars = overlapChars;
    }

    /** A chunker with {@link #DEFAULT_MAX_CHARS} and {@link #DEFAULT_OVERLAP_CHARS}. */
    public static Chunker defaults() {
        return new Chunker(DEFAULT_MAX_CHARS, DEFAULT_OVERLAP_CHARS);
    }

    /** The longest chunk, in characters. */
    public int maxChars() {
        return maxChars;
    }

    /** How many characters consecutive chunks share. */
    public int overlapChars() {
        return overlapChars;
    }

    /** Chunks of the document's text, in order; empty when the text holds only whitespace. */
    public List<Chunk> chunk(Document document) {
        String text = document.text();
        List<int[]> units = units(text);
        List<Chunk> chunks = new ArrayList<>();
        int first = 0;
        while (first < units.size()) {
            int last = first;
            int end = units.get(first)[1];
            while (last + 1 < units.size() && units.get(last + 1)[1] - units.get(first)[0] <= maxChars) {
                last++;
                end = units.get(last)[1];
                if (paragraphBreakAfter(text, end) && end - units.get(first)[0] >= maxChars / 2) {
                    break;
                }
            }
            addTrimmed(chunks, document.id(), text, units.get(first)[0], end);
            if (last + 1 >= units.size()) {
                break;
            }
            first = overlapStart(units, first, last);
        }
        return chunks;
    }

    /** The first unit of the next chunk: back up whole units from {@code last} while they fit the overlap. */
    private int overlapStart(List<int[]> units, int first, int last) {
        int next = last + 1;
        int overlapFrom = next;
        while (overlapFrom - 1 > first && units.get(last)[1] - units.get(overlapFrom - 1)[0] <= overlapChars) {
            overlapFrom--;
        }
        return overlapFrom;
    }

    /** Sentence spans (start, end), with over-long sentences split at word boundaries; whitespace-only dropped. */
    private List<int[]> units(String text) {
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        sentences.setText(text);
        List<int[]> units = new ArrayList<>();
        int start = sentences.first();
        for (int end = sentences.next(); end != BreakIterator.DONE; start = end, end = sentences.next()) {
            for (int[] piece : splitParagraphs(text, start, end)) {
                if (isBlank(text, piece[0], piece[1])) {
                    continue;
                }
                if (piece[1] - piece[0] <= maxChars) {
                    units.add(piece);
                } else {
                    splitLong(text, piece[0], piece[1], units);
                }
            }
        }
        return units;
    }

    private static boolean isBlank(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The sentence iterator does not always break at blank lines (headings, lists): split there too. */
    private static List<int[]> splitParagraphs(String text, int start, int end) {
        List<int[]> pieces = new ArrayList<>();
        int from = start;
        for (int i = start; i < end - 1; i++) {
            if (text.charAt(i) == '\n' && (text.charAt(i + 1) == '\n' || isLineBreakBeforeBlock(text, i + 1))) {
                pieces.add(new int[] {from, i + 1});
                from = i + 1;
            }
        }
        pieces.add(new int[] {from, end});
        return pieces;
    }

    /** A Markdown heading or list item starts a new unit even without a blank line before it. */
    private static boolean isLineBreakBeforeBlock(String text, int lineStart) {
        char c = text.charAt(lineStart);
        return c == '#'
                || ((c == '-' || c == '*') && lineStart + 1 < text.length() && text.charAt(lineStart + 1) == ' ');
    }

    /**
     * Cuts an over-long sentence into pieces of at most {@code maxChars}, each ending after the last
     * whitespace in its second half, or at the bound when there is none (a hex dump, CJK text). Each cut
     * looks at no more than half a chunk, so the whole split is linear in the sentence's length.
     */
    private void splitLong(String text, int start, int end, List<int[]> units) {
        int from = start;
        while (end - from > maxChars) {
            int limit = from + maxChars;
            int cut = limit;
            for (int i = limit; i > from + maxChars / 2; i--) {
                if (Character.isWhitespace(text.charAt(i - 1))) {
                    cut = i;
                    break;
                }
            }
            if (cut == limit && Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--; // never split a character outside the Basic Multilingual Plane
            }
            units.add(new int[] {from, cut});
            from = cut;
        }
        if (from < end) {
            units.add(new int[] {from, end});
        }
    }

    private static boolean paragraphBreakAfter(String text, int end) {
        int i = end;
        int newlines = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            if (text.charAt(i) == '\n') {
                newlines++;
            }
            i++;
        }
        if (end > 0 && text.charAt(end - 1) == '\n') {
            newlines++;
        }
        return newlines >= 2;
    }

    private static void addTrimmed(List<Chunk> chunks, String documentId, String text, int start, int end) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (start < end) {
            chunks.add(new Chunk(documentId, chunks.size(), start, end, text.substring(start, end)));
        }
    }
}
