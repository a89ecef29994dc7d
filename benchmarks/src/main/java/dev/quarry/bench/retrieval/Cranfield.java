package dev.quarry.bench.retrieval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Cranfield 1400 test collection in its SMART format: documents ({@code .I} id, {@code .T} title,
 * {@code .W} text), queries (numbered 1..225 by position, whatever their {@code .I}), and graded judgments
 * (1 = complete answer .. 4 = minimal interest; 5 and -1 are not relevant).
 *
 * @param documents documents in file order
 * @param queries query text by position (1-based)
 * @param judgments query number to (document id to grade), relevant grades only
 */
public record Cranfield(
        List<CranfieldDocument> documents, Map<Integer, String> queries, Map<Integer, Map<String, Integer>> judgments) {

    /** Where the data lives, relative to the project root. */
    public static final Path DEFAULT_DIRECTORY = Path.of("..", "shared", "data", "cranfield");

    /** One abstract. */
    public record CranfieldDocument(String id, String title, String text) {}

    /** Reads {@code cran.all.1400}, {@code cran.qry} and {@code cranqrel} from a directory. */
    public static Cranfield load(Path directory) throws IOException {
        for (String name : List.of("cran.all.1400", "cran.qry", "cranqrel")) {
            if (!Files.isRegularFile(directory.resolve(name))) {
                throw new IOException(
                        "Cranfield file " + directory.resolve(name).toAbsolutePath() + " not found; run"
                                + " from the project root with ../shared/data present, or pass --data <directory>");
            }
        }
        List<CranfieldDocument> documents = new ArrayList<>();
        for (Map<Character, String> record : smart(directory.resolve("cran.all.1400"))) {
            documents.add(
                    new CranfieldDocument(record.get('I'), record.getOrDefault('T', ""), record.getOrDefault('W', "")));
        }
        Map<Integer, String> queries = new LinkedHashMap<>();
        int position = 0;
        for (Map<Character, String> record : smart(directory.resolve("cran.qry"))) {
            queries.put(++position, record.getOrDefault('W', ""));
        }
        return new Cranfield(List.copyOf(documents), queries, judgments(directory.resolve("cranqrel")));
    }

    /** Parses judgments lines "query document grade"; keeps grades 1 to 4 (the relevant ones). */
    static Map<Integer, Map<String, Integer>> judgments(Path file) throws IOException {
        Map<Integer, Map<String, Integer>> judgments = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 3) {
                continue;
            }
            int grade = Integer.parseInt(fields[2]);
            if (grade >= 1 && grade <= 4) {
                judgments
                        .computeIfAbsent(Integer.parseInt(fields[0]), q -> new HashMap<>())
                        .put(fields[1], grade);
            }
        }
        return judgments;
    }

    /** Splits a SMART file into records of field letter to text. */
    static List<Map<Character, String>> smart(Path file) throws IOException {
        List<Map<Character, String>> records = new ArrayList<>();
        Map<Character, String> current = null;
        char field = 0;
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
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
                    current.put('I', line.substring(2).strip());
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
