package dev.quarry.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads evaluation datasets: JSONL, one case per line (blank lines and lines starting with {@code #} are
 * skipped), in the format {@code docs/evaluation.md} documents and {@code eval-case.schema.json} (in this
 * jar, next to this class) defines:
 *
 * <pre>{@code
 * {"id": "lyon-nice", "task": "Compare the populations of Lyon and Nice",
 *  "answer": {"contains": ["Lyon", "Nice"]},
 *  "calls": {"expect": [{"tool": "lookup", "args": {"city": {"contains": "Lyon"}}},
 *                       {"tool": "lookup", "args": {"city": "Nice"}}], "ordered": false, "match": "at-least"},
 *  "citations": ["cities.md"], "limits": {"maxModelCalls": 3, "maxTokens": 20000, "maxLatencyMs": 30000},
 *  "rubric": "Says which is larger, with both figures", "tags": ["comparison"]}
 * }</pre>
 *
 * Every problem is refused with a {@link DatasetException} naming the line and the field: malformed JSON, an
 * unknown field, a wrong type, an impossible matcher (a bad regular expression, a negative tolerance, two
 * answer kinds at once), a repeated id, a dataset with no cases.
 */
public final class EvalDataset {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> CASE_FIELDS =
            Set.of("id", "task", "answer", "calls", "citations", "limits", "rubric", "tags");
    private static final Set<String> ANSWER_KINDS = Set.of("exact", "contains", "regex", "number", "json");
    private static final Set<String> CALLS_FIELDS = Set.of("expect", "ordered", "match");
    private static final Set<String> LIMIT_FIELDS = Set.of("maxModelCalls", "maxTokens", "maxLatencyMs");

    private EvalDataset() {}

    /**
     * The cases of a JSONL file.
     *
     * @throws DatasetException naming the line and field of the first problem
     */
    public static List<EvalCase> read(Path file) {
        try {
            return parse(Files.readAllLines(file), file.toString());
        } catch (IOException e) {
            throw new DatasetException("cannot read the dataset " + file + ": " + e.getMessage());
        }
    }

    /** The cases of JSONL {@code lines}; {@code source} names them in errors. */
    public static List<EvalCase> parse(List<String> lines, String source) {
        List<EvalCase> cases = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Where where = new Where(source, i + 1);
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw where.problem("", "is not JSON: " + e.getOriginalMessage());
            }
            EvalCase parsed = parseCase(node, where);
            if (!ids.add(parsed.id())) {
                throw where.problem("id", "repeats id '" + parsed.id() + "'; every case needs its own");
            }
            cases.add(parsed);
        }
        if (cases.isEmpty()) {
            throw new DatasetException("the dataset " + source + " has no cases: write one JSON object per line");
        }
        return List.copyOf(cases);
    }

    /** Where a problem is, for its message. */
    private record Where(String source, int line) {
        DatasetException problem(String field, String what) {
            return new DatasetException(
                    source + " line " + line + (field.isEmpty() ? "" : ", field " + field) + ": " + what);
        }
    }

    private static EvalCase parseCase(JsonNode node, Where where) {
        if (!node.isObject()) {
            throw where.problem("", "is not a JSON object");
        }
        unknown(node, CASE_FIELDS, "", where);
        String task = text(node, "task", where, true);
        String id = node.has("id") ? text(node, "id", where, true) : "line-" + where.line();
        EvalCase.AnswerCheck answer =
                node.has("answer") ? answer(node.get("answer"), where) : new EvalCase.AnswerCheck.Any();
        List<EvalCase.ExpectedCall> calls = new ArrayList<>();
        boolean ordered = false;
        boolean exactly = false;
        if (node.has("calls")) {
            JsonNode spec = node.get("calls");
            if (!spec.isObject()) {
                throw where.problem("calls", "must be an object with expect, ordered and match");
            }
            unknown(spec, CALLS_FIELDS, "calls.", where);
            JsonNode expect = spec.get("expect");
            if (expect == null || !expect.isArray()) {
                throw where.problem("calls.expect", "must be an array of {\"tool\": ..., \"args\": {...}}");
            }
            for (int i = 0; i < expect.size(); i++) {
                calls.add(call(expect.get(i), where, "calls.expect[" + i + "]"));
            }
            ordered = bool(spec, "ordered", where, "calls.");
            if (spec.has("match")) {
                String match = spec.get("match").asText();
                if (!match.equals("at-least") && !match.equals("exactly")) {
                    throw where.problem("calls.match", "must be at-least or exactly, was '" + match + "'");
                }
                exactly = match.equals("exactly");
            }
        }
        Set<String> citations = strings(node, "citations", where);
        EvalCase.CaseLimits limits = node.has("limits") ? limits(node.get("limits"), where) : EvalCase.CaseLimits.NONE;
        String rubric = node.has("rubric") ? text(node, "rubric", where, true) : "";
        Set<String> tags = strings(node, "tags", where);
        return new EvalCase(id, task, answer, calls, ordered, exactly, citations, limits, rubric, tags, where.line());
    }

    private static EvalCase.AnswerCheck answer(JsonNode spec, Where where) {
        if (!spec.isObject()) {
            throw where.problem("answer", "must be an object with one of " + ANSWER_KINDS);
        }
        unknown(spec, Set.of("exact", "contains", "regex", "number", "json", "tolerance"), "answer.", where);
        List<String> kinds = new ArrayList<>();
        spec.fieldNames().forEachRemaining(f -> {
            if (ANSWER_KINDS.contains(f)) {
                kinds.add(f);
            }
        });
        if (kinds.size() != 1) {
            throw where.problem("answer", "must give exactly one of " + ANSWER_KINDS + ", gave " + kinds);
        }
        if (spec.has("tolerance") && !kinds.getFirst().equals("number")) {
            throw where.problem("answer.tolerance", "applies only to answer.number");
        }
        JsonNode value = spec.get(kinds.getFirst());
        return switch (kinds.getFirst()) {
            case "exact" -> new EvalCase.AnswerCheck.Exact(textValue(value, "answer.exact", where));
            case "contains" -> {
                List<String> texts = new ArrayList<>();
                if (value.isTextual()) {
                    texts.add(value.asText());
                } else if (value.isArray() && !value.isEmpty()) {
                    value.forEach(v -> texts.add(textValue(v, "answer.contains", where)));
                } else {
                    throw where.problem("answer.contains", "must be a text or a non-empty array of texts");
                }
                yield new EvalCase.AnswerCheck.Contains(texts);
            }
            case "regex" ->
                new EvalCase.AnswerCheck.Regex(pattern(textValue(value, "answer.regex", where), "answer.regex", where));
            case "number" -> {
                if (!value.isNumber()) {
                    throw where.problem("answer.number", "must be a number, was " + value);
                }
                double tolerance = spec.path("tolerance").asDouble(0);
                if (spec.has("tolerance") && (!spec.get("tolerance").isNumber() || tolerance < 0)) {
                    throw where.problem("answer.tolerance", "must be a number >= 0, was " + spec.get("tolerance"));
                }
                yield new EvalCase.AnswerCheck.Number(value.asDouble(), tolerance);
            }
            default -> new EvalCase.AnswerCheck.Json(value);
        };
    }

    private static EvalCase.ExpectedCall call(JsonNode spec, Where where, String field) {
        if (!spec.isObject()) {
            throw where.problem(field, "must be an object with tool and args");
        }
        unknown(spec, Set.of("tool", "args"), field + ".", where);
        String tool = text(spec, "tool", where, true, field + ".");
        Map<String, EvalCase.ArgumentMatcher> arguments = new LinkedHashMap<>();
        JsonNode args = spec.get("args");
        if (args != null) {
            if (!args.isObject()) {
                throw where.problem(field + ".args", "must be an object of argument name to matcher");
            }
            for (Map.Entry<String, JsonNode> argument : args.properties()) {
                arguments.put(
                        argument.getKey(), matcher(argument.getValue(), where, field + ".args." + argument.getKey()));
            }
        }
        return new EvalCase.ExpectedCall(tool, arguments);
    }

    private static EvalCase.ArgumentMatcher matcher(JsonNode spec, Where where, String field) {
        if (!spec.isObject()) {
            return new EvalCase.ArgumentMatcher.Equals(spec);
        }
        if (spec.size() != 1) {
            throw where.problem(
                    field,
                    "a matcher is one of {\"equals\": v}, {\"contains\": t}, {\"regex\": r},"
                            + " {\"present\": true}; got " + spec);
        }
        String kind = spec.fieldNames().next();
        JsonNode value = spec.get(kind);
        return switch (kind) {
            case "equals" -> new EvalCase.ArgumentMatcher.Equals(value);
            case "contains" -> new EvalCase.ArgumentMatcher.Contains(textValue(value, field + ".contains", where));
            case "regex" ->
                new EvalCase.ArgumentMatcher.Regex(
                        pattern(textValue(value, field + ".regex", where), field + ".regex", where));
            case "present" -> {
                if (!value.isBoolean() || !value.asBoolean()) {
                    throw where.problem(field + ".present", "must be true (leave the argument out to allow anything)");
                }
                yield new EvalCase.ArgumentMatcher.Present();
            }
            default ->
                throw where.problem(
                        field, "has unknown matcher '" + kind + "'; use equals, contains, regex" + " or present");
        };
    }

    private static EvalCase.CaseLimits limits(JsonNode spec, Where where) {
        if (!spec.isObject()) {
            throw where.problem("limits", "must be an object");
        }
        unknown(spec, LIMIT_FIELDS, "limits.", where);
        return new EvalCase.CaseLimits(
                (int) positive(spec, "maxModelCalls", where),
                positive(spec, "maxTokens", where),
                Duration.ofMillis(positive(spec, "maxLatencyMs", where)));
    }

    private static long positive(JsonNode spec, String field, Where where) {
        if (!spec.has(field)) {
            return 0;
        }
        JsonNode value = spec.get(field);
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 1) {
            throw where.problem("limits." + field, "must be a whole number >= 1, was " + value);
        }
        return value.asLong();
    }

    private static Pattern pattern(String regex, String field, Where where) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw where.problem(field, "is not a regular expression: " + e.getDescription());
        }
    }

    private static void unknown(JsonNode node, Set<String> known, String prefix, Where where) {
        node.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                throw where.problem(
                        prefix + field,
                        "is not a field of an evaluation case (known: " + new java.util.TreeSet<>(known) + ")");
            }
        });
    }

    private static String text(JsonNode node, String field, Where where, boolean required) {
        return text(node, field, where, required, "");
    }

    private static String text(JsonNode node, String field, Where where, boolean required, String prefix) {
        JsonNode value = node.get(field);
        if (value == null) {
            if (required) {
                throw where.problem(prefix + field, "is missing");
            }
            return "";
        }
        String text = textValue(value, prefix + field, where);
        if (required && text.isBlank()) {
            throw where.problem(prefix + field, "is blank");
        }
        return text;
    }

    private static String textValue(JsonNode value, String field, Where where) {
        if (!value.isTextual()) {
            throw where.problem(field, "must be a text, was " + value);
        }
        return value.asText();
    }

    private static boolean bool(JsonNode node, String field, Where where, String prefix) {
        JsonNode value = node.get(field);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw where.problem(prefix + field, "must be true or false, was " + value);
        }
        return value.asBoolean();
    }

    private static Set<String> strings(JsonNode node, String field, Where where) {
        JsonNode value = node.get(field);
        if (value == null) {
            return Set.of();
        }
        if (!value.isArray()) {
            throw where.problem(field, "must be an array of texts");
        }
        Set<String> texts = new LinkedHashSet<>();
        for (JsonNode item : value) {
            texts.add(textValue(item, field, where));
        }
        return texts;
    }
}
