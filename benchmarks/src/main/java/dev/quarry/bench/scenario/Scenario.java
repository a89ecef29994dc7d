package dev.quarry.bench.scenario;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task shape as data: each task's tool calls, which earlier results each call's argument uses, how the
 * task ends, and how long each tool takes. The simulated model ({@link ScenarioOracle}) and the tools
 * ({@link ScenarioTools}) follow it, so a new shape needs a file, not code. Read with {@link #read}, written
 * with {@link #write}; the format is documented in {@code docs/benchmarks.md}.
 *
 * <p>A call's argument may name an earlier call's result as {@code $<call id>}: the call then depends on it.
 * Two tools exist: {@value ScenarioTools#SEARCH} (argument: the query) and {@value ScenarioTools#CALCULATE}
 * (argument: the expression). Every result is a number drawn from a generator seeded by the task, the tool
 * and the resolved argument, so every contender sees the same world.
 *
 * @param name short name, used in titles and file names
 * @param description one sentence for the report
 * @param systemPrompt the system prompt every contender gives the model (may be empty); the same for every
 *     task, so a prompt cache can keep it
 * @param tools latency of each tool
 * @param tasks the tasks
 */
public record Scenario(
        String name, String description, String systemPrompt, Map<String, ToolLatency> tools, List<Task> tasks) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    /** A reference to a call's result in an argument or answer: {@code $<call id>}. */
    static final Pattern REFERENCE = Pattern.compile("\\$([A-Za-z0-9_-]+)");

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Scenario {
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
        tools = Map.copyOf(tools);
        tasks = List.copyOf(tasks);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("scenario " + name + " has no tasks");
        }
        Set<String> questions = new HashSet<>();
        for (Task task : tasks) {
            if (!questions.add(task.question().strip())) {
                throw new IllegalArgumentException("scenario " + name + ": two tasks ask \"" + task.question() + "\"");
            }
            for (Call call : task.calls()) {
                if (!tools.containsKey(call.tool())) {
                    throw new IllegalArgumentException("task " + task.id() + ": call " + call.id() + " uses "
                            + call.tool() + ", which has no latency");
                }
            }
        }
    }

    /**
     * A tool's latency: a log-normal draw around the median, kept within [min, max].
     *
     * @param medianMillis the median, in unscaled milliseconds
     * @param sigma the log-normal spread (0: always the median)
     * @param minMillis the least it takes
     * @param maxMillis the most it takes
     */
    public record ToolLatency(double medianMillis, double sigma, double minMillis, double maxMillis) {
        public ToolLatency {
            if (!(medianMillis > 0) || sigma < 0 || minMillis < 0 || maxMillis < minMillis) {
                throw new IllegalArgumentException("a tool latency needs median > 0, sigma >= 0 and 0 <= min <= max");
            }
        }

        /** The latency for a standard normal draw. */
        public double millis(double gaussian) {
            return Math.min(maxMillis, Math.max(minMillis, medianMillis * Math.exp(sigma * gaussian)));
        }
    }

    /**
     * One tool call of a task.
     *
     * @param id the call's id, unique in its task (letters, digits, {@code _}, {@code -})
     * @param tool {@value ScenarioTools#SEARCH} or {@value ScenarioTools#CALCULATE}
     * @param argument the query or expression; {@code $<id>} stands for that earlier call's result
     */
    public record Call(String id, String tool, String argument) {
        public Call {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("call id " + id + " must be 1 to 32 letters, digits, _ or -");
            }
            if (!ScenarioTools.SEARCH.equals(tool) && !ScenarioTools.CALCULATE.equals(tool)) {
                throw new IllegalArgumentException(
                        "call " + id + ": tool must be " + ScenarioTools.SEARCH + " or " + ScenarioTools.CALCULATE);
            }
            if (argument == null || argument.isBlank()) {
                throw new IllegalArgumentException("call " + id + " has no argument");
            }
        }

        /** The ids of the calls whose results the argument uses, in order of first use. */
        public List<String> references() {
            return Scenario.references(argument);
        }
    }

    /** How a task ends. */
    public enum EndingKind {
        /**
         * The answer is a template over results ({@code "Answer: $c"}): a plan may state it up front, so no
         * model call is needed after the tools.
         */
        TEMPLATE,
        /**
         * The model must read the named results to answer (a pick among them: the one with the largest value),
         * so every contender makes a model call after its tools.
         */
        READING;

        /** The name in files: lower case. */
        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How a task ends.
     *
     * @param kind template or reading
     * @param answer for {@link EndingKind#TEMPLATE}: the answer, with {@code $<id>} for results
     * @param reads for {@link EndingKind#READING}: the calls whose results the answer is picked from
     */
    public record Ending(EndingKind kind, String answer, List<String> reads) {
        public Ending {
            reads = reads == null ? List.of() : List.copyOf(reads);
            answer = answer == null ? "" : answer;
            if (kind == null) {
                throw new IllegalArgumentException("an ending needs a kind: template or reading");
            }
            if (kind == EndingKind.TEMPLATE && answer.isBlank()) {
                throw new IllegalArgumentException("a template ending needs an answer");
            }
            if (kind == EndingKind.READING && reads.isEmpty()) {
                throw new IllegalArgumentException("a reading ending needs the calls it reads");
            }
        }

        /** A templated answer. */
        public static Ending template(String answer) {
            return new Ending(EndingKind.TEMPLATE, answer, List.of());
        }

        /** A final model turn that reads these results. */
        public static Ending reading(List<String> reads) {
            return new Ending(EndingKind.READING, "", reads);
        }
    }

    /**
     * One task.
     *
     * @param id its id
     * @param question what the user asks, sent to the model as the task; unique in the scenario
     * @param calls the tool calls it needs, each once
     * @param ending how it ends
     */
    public record Task(String id, String question, List<Call> calls, Ending ending) {
        public Task {
            calls = List.copyOf(calls);
            if (question == null || question.isBlank()) {
                throw new IllegalArgumentException("task " + id + " has no question");
            }
            if (calls.isEmpty()) {
                throw new IllegalArgumentException("task " + id + " has no calls");
            }
            Set<String> earlier = new HashSet<>();
            for (Call call : calls) {
                for (String reference : call.references()) {
                    if (!earlier.contains(reference)) {
                        throw new IllegalArgumentException("task " + id + ": call " + call.id() + " uses $" + reference
                                + ", which is not an earlier call");
                    }
                }
                if (!earlier.add(call.id())) {
                    throw new IllegalArgumentException("task " + id + ": two calls are named " + call.id());
                }
            }
            List<String> used = ending.kind() == EndingKind.READING ? ending.reads() : references(ending.answer());
            for (String reference : used) {
                if (!earlier.contains(reference)) {
                    throw new IllegalArgumentException(
                            "task " + id + ": the ending uses " + reference + ", which is not a call of the task");
                }
            }
        }

        /** The call with this id. */
        public Call call(String id) {
            return calls.stream()
                    .filter(c -> c.id().equals(id))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("task " + this.id + " has no call " + id));
        }

        /**
         * Dependency levels: 1 when every call is independent, the length of the longest chain of references
         * otherwise. A model that writes every ready call in one turn needs this many tool turns.
         */
        public int levels() {
            Map<String, Integer> level = new HashMap<>();
            int deepest = 0;
            for (Call call : calls) {
                int mine = 1
                        + call.references().stream().mapToInt(level::get).max().orElse(0);
                level.put(call.id(), mine);
                deepest = Math.max(deepest, mine);
            }
            return deepest;
        }
    }

    /** The ids {@code text} refers to as {@code $<id>}, in order of first use. */
    static List<String> references(String text) {
        List<String> references = new ArrayList<>();
        Matcher matcher = REFERENCE.matcher(text);
        while (matcher.find()) {
            if (!references.contains(matcher.group(1))) {
                references.add(matcher.group(1));
            }
        }
        return references;
    }

    /** Reads a scenario file (JSON, snake_case keys); a malformed file is refused with what is wrong. */
    /** The same scenario with only these tasks. */
    public Scenario withTasks(List<Task> fewer) {
        return new Scenario(name, description, systemPrompt, tools, fewer);
    }

    public static Scenario read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("scenario file not found: " + file.toAbsolutePath());
        }
        try {
            return JSON.readValue(file.toFile(), Scenario.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw new IOException(file + ": " + e.getCause().getMessage(), e);
        }
    }

    /** Writes this scenario as a file {@link #read} reads back. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), this);
    }

    /** The tool latencies of ParallelQA's simulation: search around 300 ms, calculate about 35 ms. */
    public static Map<String, ToolLatency> defaultTools() {
        Map<String, ToolLatency> tools = new LinkedHashMap<>();
        tools.put(ScenarioTools.SEARCH, new ToolLatency(300, 0.4, 100, 1_200));
        tools.put(ScenarioTools.CALCULATE, new ToolLatency(35, 0.25, 20, 50));
        return tools;
    }
}
