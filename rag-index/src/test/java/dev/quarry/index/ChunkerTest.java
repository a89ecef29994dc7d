package dev.quarry.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private static String sentences(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "Sentence number " + i + " talks about topic " + (i % 7) + " in some detail.")
                .collect(Collectors.joining(" "));
    }

    @Test
    void offsetsRoundTripToTheExactSourceText() {
        Document doc =
                Document.of("d", "# Title\n\nFirst para. " + sentences(40) + "\n\nSecond para.\n" + sentences(30));
        List<Chunk> chunks = new Chunker(300, 60).chunk(doc);
        assertThat(chunks).hasSizeGreaterThan(5);
        for (Chunk chunk : chunks) {
            assertThat(doc.text().substring(chunk.startOffset(), chunk.endOffset()))
                    .isEqualTo(chunk.text());
            assertThat(chunk.text().length()).isLessThanOrEqualTo(300);
            assertThat(chunk.text()).isEqualTo(chunk.text().strip());
            assertThat(chunk.documentId()).isEqualTo("d");
        }
        assertThat(chunks)
                .extracting(Chunk::ordinal)
                .containsExactlyElementsOf(
                        IntStream.range(0, chunks.size()).boxed().toList());
    }

    @Test
    void chunksEndOnSentenceBoundariesAndOverlap() {
        Document doc = Document.of("d", sentences(50));
        List<Chunk> chunks = new Chunker(300, 100).chunk(doc);
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(chunks.get(i).text()).endsWith(".");
            assertThat(chunks.get(i + 1).startOffset()).isLessThan(chunks.get(i).endOffset());
            assertThat(chunks.get(i + 1).startOffset())
                    .isGreaterThan(chunks.get(i).startOffset());
        }
        // every character of the text is covered by some chunk
        assertThat(chunks.getFirst().startOffset()).isZero();
        assertThat(chunks.getLast().endOffset()).isEqualTo(doc.text().length());
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(chunks.get(i + 1).startOffset())
                    .isLessThanOrEqualTo(chunks.get(i).endOffset() + 1);
        }
    }

    @Test
    void prefersParagraphBoundaries() {
        String para1 = sentences(4);
        String para2 = sentences(4);
        Document doc = Document.of("d", para1 + "\n\n" + para2);
        List<Chunk> chunks = new Chunker(para1.length() + 100, 0).chunk(doc);
        assertThat(chunks.getFirst().text()).isEqualTo(para1);
    }

    @Test
    void splitsOverlongSentencesAtWordBoundaries() {
        String words = "lorem ipsum dolor sit amet ".repeat(100).strip();
        Document doc = Document.of("d", words);
        List<Chunk> chunks = new Chunker(120, 0).chunk(doc);
        assertThat(chunks).hasSizeGreaterThan(20);
        for (Chunk chunk : chunks) {
            assertThat(chunk.text().length()).isLessThanOrEqualTo(120);
            assertThat(chunk.text()).doesNotStartWith(" ").matches("^[a-z].*[a-z]$");
        }
    }

    @Test
    void whitespaceOnlyTextHasNoChunks() {
        assertThat(Chunker.defaults().chunk(Document.of("d", " \n\n\t "))).isEmpty();
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new Chunker(10, 0)).hasMessageContaining("maxChars");
        assertThatThrownBy(() -> new Chunker(100, 60)).hasMessageContaining("overlapChars");
    }

    /** Text without word breaks (a hex dump, CJK) is cut at the bound, in time linear in its length. */
    @Test
    void textWithoutWordBreaksIsChunkedInLinearTime() {
        StringBuilder hex = new StringBuilder();
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        while (hex.length() < 3_200_000) {
            hex.append(Long.toHexString(random.nextLong()));
        }
        StringBuilder cjk = new StringBuilder();
        while (cjk.length() < 1_600_000) {
            cjk.append((char) (0x4E00 + random.nextInt(0x5000)));
        }
        for (String text : List.of(hex.toString(), cjk.toString())) {
            List<Chunk> chunks = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(30),
                    () -> Chunker.defaults().chunk(new Document("dump", text, "dump", "", java.util.Map.of())));
            assertThat(chunks).allMatch(c -> c.text().length() <= Chunker.DEFAULT_MAX_CHARS);
            assertThat(chunks.getFirst().startOffset()).isZero();
            assertThat(chunks.getLast().endOffset()).isEqualTo(text.length());
            assertThat(chunks.size()).isBetween(text.length() / 1000, text.length() / 400);
        }
    }
}
