package dev.quarry.bench.scenario;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.zip.CRC32;

/**
 * The facts of a scenario's world: what each tool call returns and how long it takes, drawn from a generator
 * seeded by (seed, task, tool, resolved argument), so a call costs and returns the same in every contender
 * whatever order it runs in; and each task's expected calls, results and answer. With a local search, the
 * {@code search} tool is real: its result is what it returns and its time is the time it takes.
 */
final class ScenarioWorld {

    private final Scenario scenario;
    private final long seed;
    private final UnaryOperator<String> localSearch;
    private final Map<Scenario.Task, Resolved> resolved = new ConcurrentHashMap<>();

    ScenarioWorld(Scenario scenario, long seed) {
        this(scenario, seed, null);
    }

    /** @param localSearch the real search for {@code search} calls, or null for simulated ones */
    ScenarioWorld(Scenario scenario, long seed, UnaryOperator<String> localSearch) {
        this.scenario = scenario;
        this.seed = seed;
        this.localSearch = localSearch;
    }

    Scenario scenario() {
        return scenario;
    }

    /**
     * A task worked out: each call's argument with the results it uses filled in, each call's result, and
     * the answer.
     */
    record Resolved(Map<String, String> arguments, Map<String, String> results, String answer) {}

    /** What {@code tool} returns for {@code argument} in this task: a number. */
    String value(Scenario.Task task, String tool, String argument) {
        if (localSearch != null && tool.equals(ScenarioTools.SEARCH)) {
            return localSearch.apply(argument);
        }
        return Integer.toString(100 + random(task, tool, argument).nextInt(99_900));
    }

    /** How long the call takes on top of its work, in unscaled milliseconds: 0 for a real search. */
    double unscaledMillis(Scenario.Task task, String tool, String argument) {
        if (localSearch != null && tool.equals(ScenarioTools.SEARCH)) {
            return 0;
        }
        SplittableRandom random = random(task, tool, argument);
        random.nextInt(); // the value's draw
        return scenario.tools().get(tool).millis(random.nextGaussian());
    }

    /** The task worked out, once per world: with a local search, resolving runs the real searches. */
    Resolved resolve(Scenario.Task task) {
        return resolved.computeIfAbsent(task, this::work);
    }

    private Resolved work(Scenario.Task task) {
        Map<String, String> arguments = new LinkedHashMap<>();
        Map<String, String> results = new LinkedHashMap<>();
        for (Scenario.Call call : task.calls()) {
            String argument = substitute(call.argument(), results);
            arguments.put(call.id(), argument);
            results.put(call.id(), value(task, call.tool(), argument));
        }
        return new Resolved(arguments, results, answer(task, arguments, results));
    }

    /**
     * The answer from these results: the template filled in, or the read call with the largest result (by
     * value when every result read is a number, by length otherwise: a pick that needs every result).
     */
    static String answer(Scenario.Task task, Map<String, String> arguments, Map<String, String> results) {
        Scenario.Ending ending = task.ending();
        if (ending.kind() == Scenario.EndingKind.TEMPLATE) {
            return substitute(ending.answer(), results);
        }
        boolean numbers = ending.reads().stream().allMatch(id -> isNumber(results.get(id)));
        String best = null;
        for (String id : ending.reads()) {
            if (best == null || size(results.get(id), numbers) > size(results.get(best), numbers)) {
                best = id;
            }
        }
        String result = results.get(best).strip();
        return "Answer: " + arguments.get(best) + " (" + (numbers ? result : result.length() + " characters") + ")";
    }

    private static double size(String result, boolean numbers) {
        return numbers ? Double.parseDouble(result.strip()) : result.strip().length();
    }

    /** {@code text} with every {@code $id} replaced by that call's result. */
    static String substitute(String text, Map<String, String> results) {
        Matcher matcher = Scenario.REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String result = results.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(result == null ? matcher.group() : result.strip()));
        }
        return matcher.appendTail(out).toString();
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private SplittableRandom random(Scenario.Task task, String tool, String argument) {
        CRC32 crc = new CRC32();
        crc.update((task.id() + '\u0000' + tool + '\u0000' + argument).getBytes(StandardCharsets.UTF_8));
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + crc.getValue());
    }
}
