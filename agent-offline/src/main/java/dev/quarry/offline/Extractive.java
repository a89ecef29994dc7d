package dev.quarry.offline;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text algorithms of the {@link OfflineModel}: content terms, sub-question splitting, cited passages,
 * and term-overlap sentence selection.
 */
final class Extractive {

    private static final Set<String> STOPWORDS = Set.of(
            "a",
            "an",
            "the",
            "and",
            "or",
            "of",
            "to",
            "in",
            "on",
            "for",
            "with",
            "by",
            "at",
            "from",
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "it",
            "its",
            "this",
            "that",
            "these",
            "those",
            "what",
            "which",
            "who",
            "how",
            "why",
            "when",
            "where",
            "does",
            "do",
            "did",
            "can",
            "could",
            "should",
            "would",
            "will",
            "about",
            "me",
            "my",
            "we",
            "our",
            "you",
            "your",
            "i",
            "as",
            "into",
            "than",
            "then",
            "there",
            "their",
            "they",
            "tell",
            "explain",
            "describe",
            "give",
            "please",
            "some",
            "any",
            "each",
            "every",
            "also",
            "not",
            "no");

    /** A passage labelled with its citation, as the built-in tools print them: {@code [doc#n[s-e]] text}. */
    record Passage(String label, String text) {}

    /** A sentence of a passage, with the passage's citation. */
    record Sentence(String label, String text, double score) {}

    private static final Pattern PASSAGE = Pattern.compile(
            "\\[([^\\[\\]\\s]+#-?\\d+\\[\\d+-\\d+\\])\\]\\s*(.+?)(?=\\n\\s*\\n|\\[[^\\[\\]\\s]+#-?\\d+\\[|$)",
            Pattern.DOTALL);

    private static final Pattern CITED_SENTENCE =
            Pattern.compile("(?m)^(.+?) \\[([^\\[\\]\\s]+(?:\\[\\d+-\\d+\\])?)\\]$");

    private Extractive() {}

    static Set<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (word.length() > 1 && !STOPWORDS.contains(word)) {
                terms.add(stem(word));
            }
        }
        return terms;
    }

    private static String stem(String word) {
        if (word.length() > 4 && word.endsWith("ies")) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    /** The task split into independent sub-questions: at '?', ';', and ' and ' between two questions. */
    static List<String> subQuestions(String task) {
        List<String> parts = new ArrayList<>();
        for (String piece : task.split(
                "[?;]|,?\\s+and\\s+(?=(?:what|how|why|which|who|when|where|does|is|are)\\b)|\\bversus\\b|\\bvs\\.?\\s")) {
            String part = piece.strip().replaceAll("^(?i)(compare|and)\\s+", "");
            if (terms(part).size() >= 1) {
                parts.add(part);
            }
        }
        if (parts.size() == 1) {
            // "Compare X and Y": one search per compared entity
            Matcher compare = Pattern.compile("(?i)^compare\\s+(.+?)\\s+(?:and|with)\\s+(.+)$")
                    .matcher(task.strip());
            if (compare.find()) {
                return List.of(
                        compare.group(1).strip(),
                        compare.group(2).replaceAll("[?.]$", "").strip());
            }
        }
        return parts.isEmpty() ? List.of(task.strip()) : parts;
    }

    /** The cited passages in a tool result or joiner input. */
    /** The lines of an answer in {@link OfflineModel}'s format, {@code sentence [label]}, as cited passages. */
    static List<Passage> citedSentences(String answer) {
        List<Passage> passages = new ArrayList<>();
        Matcher m = CITED_SENTENCE.matcher(answer);
        while (m.find()) {
            passages.add(new Passage(m.group(2), m.group(1).strip()));
        }
        return passages;
    }

    static List<Passage> passages(String text) {
        List<Passage> passages = new ArrayList<>();
        Matcher m = PASSAGE.matcher(text);
        while (m.find()) {
            passages.add(new Passage(m.group(1), m.group(2).strip()));
        }
        return passages;
    }

    /** The {@code limit} sentences sharing most terms with {@code query}, best first, each with its citation. */
    static List<Sentence> bestSentences(String query, List<Passage> passages, int limit) {
        Set<String> wanted = terms(query);
        List<Sentence> scored = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Passage passage : passages) {
            for (String sentence : sentences(passage.text())) {
                Set<String> terms = terms(sentence);
                if (terms.isEmpty() || !seen.add(sentence)) {
                    continue;
                }
                long overlap = terms.stream().filter(wanted::contains).count();
                if (overlap > 0) {
                    scored.add(new Sentence(passage.label(), sentence, overlap / Math.sqrt(terms.size())));
                }
            }
        }
        scored.sort(Comparator.comparingDouble(Sentence::score).reversed());
        return scored.subList(0, Math.min(limit, scored.size()));
    }

    static List<String> sentences(String text) {
        BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        String flat = text.replaceAll("\\s+", " ").strip();
        iterator.setText(flat);
        List<String> sentences = new ArrayList<>();
        for (int start = iterator.first(), end = iterator.next();
                end != BreakIterator.DONE;
                start = end, end = iterator.next()) {
            String sentence = flat.substring(start, end).strip();
            if (sentence.length() > 3) {
                sentences.add(sentence);
            }
        }
        return sentences;
    }

    /** The first words of the best sentences, within {@code maxWords}. */
    static String summary(String text, int maxWords) {
        List<String> sentences = sentences(text);
        Set<String> all = terms(text);
        List<Sentence> scored = bestSentences(String.join(" ", all), List.of(new Passage("", text)), sentences.size());
        StringBuilder out = new StringBuilder();
        int words = 0;
        for (Sentence sentence : scored) {
            int count = sentence.text().split("\\s+").length;
            if (words + count > maxWords && words > 0) {
                break;
            }
            out.append(sentence.text()).append(' ');
            words += count;
        }
        return out.toString().strip();
    }
}
