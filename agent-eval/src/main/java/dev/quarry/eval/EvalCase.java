package dev.quarry.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One task of an evaluation dataset and what its run should show: an answer, tool calls, citations, limits.
 * Read from a line of a JSONL file by {@link EvalDataset}; every expectation is optional.
 *
 * @param id the case's name in reports (unique in its dataset)
 * @param task what the agent is asked
 * @param answer what the answer must be ({@link AnswerCheck.Any} for no check)
 * @param calls the tool calls the run should make
 * @param callsOrdered whether {@code calls} must happen in this order
 * @param callsExactly whether the run must make exactly these calls ({@code "exactly"}) or at least them
 * @param citations the documents the answer should cite
 * @param limits bounds on the run's cost
 * @param rubric what a judge checks the answer against, empty for none
 * @param tags labels for slicing the report
 * @param line the line of the dataset it was read from
 */
public record EvalCase(
        String id,
        String task,
        AnswerCheck answer,
        List<ExpectedCall> calls,
        boolean callsOrdered,
        boolean callsExactly,
        Set<String> citations,
        CaseLimits limits,
        String rubric,
        Set<String> tags,
        int line) {

    public EvalCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(limits, "limits");
        calls = List.copyOf(calls);
        citations = Set.copyOf(citations);
        tags = Set.copyOf(tags);
        rubric = rubric == null ? "" : rubric;
    }

    /** A case with only a task. */
    public static EvalCase of(String id, String task) {
        return new EvalCase(
                id, task, new AnswerCheck.Any(), List.of(), false, false, Set.of(), CaseLimits.NONE, "", Set.of(), 0);
    }

    /** How an answer is checked. */
    public sealed interface AnswerCheck {
        /** Whether {@code answer} passes. */
        boolean matches(String answer);

        /** The expectation, as a report shows it. */
        String describe();

        /** No check: every answer passes. */
        record Any() implements AnswerCheck {
            @Override
            public boolean matches(String answer) {
                return true;
            }

            @Override
            public String describe() {
                return "any answer";
            }
        }

        /** The answer, stripped, is exactly this text. */
        record Exact(String text) implements AnswerCheck {
            @Override
            public boolean matches(String answer) {
                return answer.strip().equals(text.strip());
            }

            @Override
            public String describe() {
                return "exactly \"" + text + "\"";
            }
        }

        /** The answer contains every one of these texts (case-insensitive). */
        record Contains(List<String> texts) implements AnswerCheck {
            @Override
            public boolean matches(String answer) {
                String lower = answer.toLowerCase(java.util.Locale.ROOT);
                return texts.stream().allMatch(t -> lower.contains(t.toLowerCase(java.util.Locale.ROOT)));
            }

            @Override
            public String describe() {
                return "contains " + texts;
            }
        }

        /** Some part of the answer matches the pattern. */
        record Regex(Pattern pattern) implements AnswerCheck {
            @Override
            public boolean matches(String answer) {
                return pattern.matcher(answer).find();
            }

            @Override
            public String describe() {
                return "matches /" + pattern.pattern() + "/";
            }
        }

        /** Some number in the answer is within {@code tolerance} of {@code value}. */
        record Number(double value, double tolerance) implements AnswerCheck {
            private static final Pattern NUMBER = Pattern.compile("-?\\d[\\d,]*(?:\\.\\d+)?");

            @Override
            public boolean matches(String answer) {
                var matcher = NUMBER.matcher(answer);
                while (matcher.find()) {
                    double found = Double.parseDouble(matcher.group().replace(",", ""));
                    if (Math.abs(found - value) <= tolerance) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public String describe() {
                return "a number within " + tolerance + " of " + value;
            }
        }

        /** The answer is a JSON value equal to this one (a typed answer). */
        record Json(JsonNode value) implements AnswerCheck {
            @Override
            public boolean matches(String answer) {
                try {
                    return EvalDataset.JSON.readTree(answer.strip()).equals(value);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    return false;
                }
            }

            @Override
            public String describe() {
                return "the JSON value " + value;
            }
        }
    }

    /**
     * A tool call the run should make.
     *
     * @param tool the tool's name
     * @param arguments matchers for the arguments named; others may be anything
     */
    public record ExpectedCall(String tool, Map<String, ArgumentMatcher> arguments) {
        public ExpectedCall {
            Objects.requireNonNull(tool, "tool");
            arguments = Map.copyOf(arguments);
        }

        /** Whether a call of {@code calledTool} with {@code calledArguments} is this one. */
        public boolean matches(String calledTool, JsonNode calledArguments) {
            if (!tool.equals(calledTool)) {
                return false;
            }
            return arguments.entrySet().stream().allMatch(e -> e.getValue().matches(calledArguments.get(e.getKey())));
        }

        /** As a report shows it: {@code search(query~"turbine")}. */
        public String describe() {
            return tool + (arguments.isEmpty() ? "" : arguments.toString());
        }
    }

    /** How one argument of a call is matched. */
    public sealed interface ArgumentMatcher {
        /** Whether {@code value} (null when the call lacks the argument) matches. */
        boolean matches(JsonNode value);

        /** The argument equals this JSON value. */
        record Equals(JsonNode expected) implements ArgumentMatcher {
            @Override
            public boolean matches(JsonNode value) {
                return expected.equals(value)
                        || (value != null
                                && expected.isTextual()
                                && expected.asText().equals(value.asText()));
            }

            @Override
            public String toString() {
                return "=" + expected;
            }
        }

        /** The argument's text contains this (case-insensitive). */
        record Contains(String text) implements ArgumentMatcher {
            @Override
            public boolean matches(JsonNode value) {
                return value != null
                        && value.asText()
                                .toLowerCase(java.util.Locale.ROOT)
                                .contains(text.toLowerCase(java.util.Locale.ROOT));
            }

            @Override
            public String toString() {
                return "~\"" + text + "\"";
            }
        }

        /** Some part of the argument's text matches the pattern. */
        record Regex(Pattern pattern) implements ArgumentMatcher {
            @Override
            public boolean matches(JsonNode value) {
                return value != null
                        && pattern.matcher(value.isTextual() ? value.asText() : value.toString())
                                .find();
            }

            @Override
            public String toString() {
                return "/" + pattern.pattern() + "/";
            }
        }

        /** The argument is present, with any value. */
        record Present() implements ArgumentMatcher {
            @Override
            public boolean matches(JsonNode value) {
                return value != null && !value.isNull();
            }

            @Override
            public String toString() {
                return "present";
            }
        }
    }

    /**
     * Bounds on one run's cost; 0 (or a zero duration) is no bound.
     *
     * @param maxModelCalls most model calls
     * @param maxTokens most tokens, input and output
     * @param maxLatency most wall time
     */
    public record CaseLimits(int maxModelCalls, long maxTokens, Duration maxLatency) {
        /** No bounds. */
        public static final CaseLimits NONE = new CaseLimits(0, 0, Duration.ZERO);

        public CaseLimits {
            Objects.requireNonNull(maxLatency, "maxLatency");
        }

        /** Whether any bound is set. */
        public boolean any() {
            return maxModelCalls > 0 || maxTokens > 0 || !maxLatency.isZero();
        }
    }
}
