package dev.quarry.index.eval;

import dev.quarry.index.Document;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a test collection in the classic SMART format (Cranfield, CISI, MED, CACM...): documents and queries
 * as records of {@code .I} id lines followed by fields such as {@code .T} (title) and {@code .W} (text),
 * and a judgments file of {@code query document grade} lines (or TREC's {@code query iteration document
 * relevance}). Collections differ in how grades read and how queries are numbered, so both are options.
 */
public final class SmartFormat {

    /** How a judgments file's grade becomes a gain. */
    public enum Grades {
        /** Cranfield: 1 (complete answer) .. 4 (minimal interest) gain {@code 5 - grade}; any other grade is not relevant. */
        CRANFIELD,
        /** The grade is the gain; 0 or less is not relevant. */
        GAIN,
        /** Every listed pair is relevant with gain 1, whatever its grade column. */
        BINARY
    }

    /** How the judgments file names a query. */
    public enum QueryIds {
        /** By the query's {@code .I} number. */
        ID,
        /** By the query's position in the queries file, from 1 (Cranfield's judgments do this). */
        POSITION
    }

    private SmartFormat() {}

    /**
     * Reads the three files.
     *
     * @throws java.io.UncheckedIOException a file is missing or unreadable
     * @throws IllegalArgumentException a judgments line is malformed (named by file and line), or nothing is judged
     */
    public static TestCollection read(Path documents, Path queries, Path judgments, Grades grades, QueryIds ids) {
        List<Document> corpus = new ArrayList<>();
        for (Map<Character, String> record : records(documents)) {
            String title = record.getOrDefault('T', "");
            String text = record.getOrDefault('W', "");
            String id = record.get('I');
            if (!(text.isBlank() && title.isBlank())) {
                corpus.add(new Document(id, text.isBlank() ? title : text, title, "", Map.of()));
            }
        }
        Map<String, String> queryText = new LinkedHashMap<>();
        int position = 0;
        for (Map<Character, String> record : records(queries)) {
            position++;
            String id = ids == QueryIds.POSITION ? Integer.toString(position) : normalise(record.get('I'));
            queryText.put(id, record.getOrDefault('W', record.getOrDefault('T', "")));
        }
        return new TestCollection(corpus, queryText, judgments(judgments, grades));
    }

    /** Judgments as gains: {@code query document grade}, or TREC's {@code query iteration document relevance}. */
    static Map<String, Map<String, Integer>> judgments(Path file, Grades grades) {
        Map<String, Map<String, Integer>> judgments = new LinkedHashMap<>();
        List<String> lines = BeirFormat.lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).strip().split("\\s+");
            if (fields.length == 1 && fields[0].isEmpty()) {
                continue;
            }
            if (fields.length != 3 && fields.length != 4) {
                throw new IllegalArgumentException(file + " line " + (i + 1)
                        + ": expected 'query document grade' or 'query iteration document relevance', found: "
                        + lines.get(i));
            }
            String document = fields.length == 3 ? fields[1] : fields[2];
            int grade;
            try {
                grade = Integer.parseInt(fields[fields.length - 1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": grade is not an integer", e);
            }
            int gain = switch (grades) {
                case CRANFIELD -> grade >= 1 && grade <= 4 ? 5 - grade : 0;
                case GAIN -> grade;
                case BINARY -> 1;
            };
            if (gain > 0) {
                judgments
                        .computeIfAbsent(normalise(fields[0]), q -> new LinkedHashMap<>())
                        .put(normalise(document), gain);
            }
        }
        return judgments;
    }

    /** Numeric ids compare as numbers ({@code 001} is {@code 1}); others as written. */
    private static String normalise(String id) {
        return id.matches("\\d+") ? Integer.toString(Integer.parseInt(id)) : id;
    }

    /** Splits a SMART file into records of field letter to text. */
    static List<Map<Character, String>> records(Path file) {
        List<Map<Character, String>> records = new ArrayList<>();
        Map<Character, String> current = null;
        char field = 0;
        StringBuilder text = new StringBuilder();
        for (String line : BeirFormat.lines(file)) {
            if (line.startsWith(".")
                    && line.length() >= 2
                    && Character.isLetter(line.charAt(1))
                    && (line.length() == 2 || line.charAt(2) == ' ')) {
                if (current != null && field != 0) {
                    current.put(field, text.toString().strip());
                }
                text.setLength(0);
                field = line.charAt(1);
                if (field == 'I') {
                    current = new HashMap<>();
                    records.add(current);
                    current.put('I', normalise(line.substring(2).strip()));
                    field = 0;
                }
            } else {
                text.append(line).append('\n');
            }
        }
        if (current != null && field != 0) {
            current.put(field, text.toString().strip());
        }
        return records;
    }
}
