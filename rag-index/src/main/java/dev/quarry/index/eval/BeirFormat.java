package dev.quarry.index.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.index.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a test collection in the BEIR format: {@code corpus.jsonl} (one {@code {"_id", "title", "text"}}
 * object per line), {@code queries.jsonl} ({@code {"_id", "text"}}) and a qrels TSV ({@code query-id},
 * {@code corpus-id}, {@code score}, with an optional header line). A score is the gain; scores of 0 or less
 * mean not relevant and are dropped.
 */
public final class BeirFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BeirFormat() {}

    /**
     * Reads a BEIR folder: {@code corpus.jsonl}, {@code queries.jsonl} and {@code qrels/<split>.tsv}.
     *
     * @throws UncheckedIOException a file is missing or unreadable
     * @throws IllegalArgumentException a line is malformed (named by file and line), or nothing is judged
     */
    public static TestCollection read(Path folder, String split) {
        return new TestCollection(
                corpus(folder.resolve("corpus.jsonl")),
                queries(folder.resolve("queries.jsonl")),
                qrels(folder.resolve("qrels").resolve(split + ".tsv")));
    }

    /** Reads queries and judgments alone, to evaluate an index that already holds the documents. */
    public static TestCollection read(Path queries, Path qrels) {
        return new TestCollection(List.of(), queries(queries), qrels(qrels));
    }

    /** The documents of a {@code corpus.jsonl} file, in file order. */
    public static List<Document> corpus(Path file) {
        List<Document> documents = new ArrayList<>();
        jsonLines(file, (line, json) -> {
            String id = required(json, "_id", file, line);
            String title = json.path("title").asText("");
            String text = json.path("text").asText("");
            Map<String, String> metadata = new HashMap<>();
            json.path("metadata").properties().forEach(e -> {
                if (e.getValue().isValueNode()) {
                    metadata.put(e.getKey(), e.getValue().asText());
                }
            });
            documents.add(new Document(id, text.isBlank() ? title : text, title, "", metadata));
        });
        return documents;
    }

    /** Query text by id from a {@code queries.jsonl} file, in file order. */
    public static Map<String, String> queries(Path file) {
        Map<String, String> queries = new LinkedHashMap<>();
        jsonLines(
                file,
                (line, json) -> queries.put(required(json, "_id", file, line), required(json, "text", file, line)));
        return queries;
    }

    /** Judgments from a qrels TSV: query id, document id, score; a first line that is not numeric is a header. */
    public static Map<String, Map<String, Integer>> qrels(Path file) {
        Map<String, Map<String, Integer>> judgments = new LinkedHashMap<>();
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length != 3) {
                fields = line.split("\\s+");
            }
            if (fields.length != 3) {
                throw new IllegalArgumentException(file + " line " + (i + 1)
                        + ": expected query-id, corpus-id and score separated by tabs, found: " + line);
            }
            int score;
            try {
                score = Integer.parseInt(fields[2].strip());
            } catch (NumberFormatException e) {
                if (i == 0) {
                    continue; // header
                }
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + ": score " + fields[2] + " is not an integer", e);
            }
            if (score > 0) {
                judgments
                        .computeIfAbsent(fields[0].strip(), q -> new LinkedHashMap<>())
                        .put(fields[1].strip(), score);
            }
        }
        return judgments;
    }

    private interface LineHandler {
        void accept(int line, JsonNode json);
    }

    private static void jsonLines(Path file, LineHandler handler) {
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode json;
            try {
                json = JSON.readTree(lines.get(i));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + " is not a JSON object: " + e.getOriginalMessage(), e);
            }
            if (!json.isObject()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is not a JSON object");
            }
            handler.accept(i + 1, json);
        }
    }

    private static String required(JsonNode json, String field, Path file, int line) {
        JsonNode value = json.get(field);
        if (value == null || !value.isValueNode() || value.asText().isBlank()) {
            throw new IllegalArgumentException(file + " line " + line + " has no \"" + field + "\"");
        }
        return value.asText();
    }

    static List<String> lines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(new IOException(file.toAbsolutePath() + " not found"));
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
