package dev.quarry.bench.retrieval;

import dev.quarry.index.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Reproducible text for load tests: a vocabulary of pseudo-words drawn from syllables, used with Zipf
 * frequencies (as in natural text), grouped into sentences. The same seed gives the same corpus and queries.
 */
public final class SyntheticCorpus {

    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ran", "tes", "vor", "qui", "len", "dra", "pho", "sel", "tur", "gan", "bri", "sto",
        "nel", "ux", "ar", "fen", "cal", "dor", "mun", "pli", "zor", "het", "ris", "wa", "gol", "tri", "en"
    };

    private final String[] words;
    private final double[] cumulative;
    private final long seed;

    /**
     * @param vocabulary distinct words
     * @param seed the seed of the vocabulary, the documents and the queries
     */
    public SyntheticCorpus(int vocabulary, long seed) {
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        words = new String[vocabulary];
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < vocabulary; ) {
            StringBuilder word = new StringBuilder();
            int syllables = 2 + random.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            if (seen.add(word.toString())) {
                words[i++] = word.toString();
            }
        }
        cumulative = new double[vocabulary];
        double total = 0;
        for (int rank = 0; rank < vocabulary; rank++) {
            total += 1.0 / (rank + 1);
            cumulative[rank] = total;
        }
        for (int rank = 0; rank < vocabulary; rank++) {
            cumulative[rank] /= total;
        }
    }

    /** Document {@code n}: single-chunk text of about {@code chars} characters, with a "group" metadata value. */
    public Document document(int n, int chars) {
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (n + 1)));
        StringBuilder text = new StringBuilder();
        while (text.length() < chars) {
            int sentence = 6 + random.nextInt(12);
            for (int w = 0; w < sentence; w++) {
                String word = word(random);
                text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                text.append(w == sentence - 1 ? ". " : " ");
            }
        }
        return new Document(
                "doc-" + n, text.toString().strip(), "Document " + n, "synthetic:" + n, Map.of("group", "g" + n % 10));
    }

    /** {@code count} queries of two to four words of middle frequency. */
    public List<String> queries(int count) {
        SplittableRandom random = new SplittableRandom(~seed);
        List<String> queries = new ArrayList<>();
        for (int q = 0; q < count; q++) {
            int length = 2 + random.nextInt(3);
            StringBuilder query = new StringBuilder();
            for (int w = 0; w < length; w++) {
                query.append(w == 0 ? "" : " ").append(words[20 + random.nextInt(Math.min(2000, words.length - 20))]);
            }
            queries.add(query.toString());
        }
        return queries;
    }

    private String word(SplittableRandom random) {
        int index = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
        return words[Math.min(words.length - 1, index < 0 ? -index - 1 : index)];
    }
}
