package dev.quarry.bench.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The built-in task shapes, each made from the ParallelQA questions (the questions give each task its text and
 * its number of independent look-ups, {@code branch}; the calls are the shape's):
 *
 * <ul>
 *   <li>{@code parallelqa}: as published: {@code branch} look-ups, one {@code calculate} over them, a templated
 *       answer ({@code Answer: $c}).
 *   <li>{@code parallelqa-reading}: the same look-ups, then a final model turn that reads them and picks the
 *       largest: the shape of most RAG questions (a comparison, a pick among items).
 *   <li>{@code chain}: look-ups that each need the previous result, 2 or 3 hops (by the task id's hash), a templated
 *       answer naming the last result.
 *   <li>{@code fanout}: 8 to 12 independent look-ups (by the task id's hash), then a reading join.
 *   <li>{@code reading-long-prompt}: {@code parallelqa-reading} with a system prompt of about
 *       {@value #LONG_PROMPT_TOKENS} tokens, the same for every task: the instructions and worked examples an
 *       assistant carries (here the ParallelQA questions themselves, listed as examples; the simulated model
 *       does not read it, only its length matters). The shape where prompt caching can show.
 * </ul>
 *
 * <p>{@link #cranfieldSearch} is the one shape made from Cranfield's queries, for real look-ups.
 */
public final class Shapes {

    /** The shape whose look-ups are Quarry's real search over Cranfield ({@link #cranfieldSearch}). */
    public static final String CRANFIELD_SEARCH = "cranfield-search";

    /** The names {@link #named} knows, and {@link #CRANFIELD_SEARCH}. */
    public static final List<String> NAMES =
            List.of("parallelqa", "parallelqa-reading", "chain", "fanout", "reading-long-prompt", CRANFIELD_SEARCH);

    /** About how long the system prompt of {@code reading-long-prompt} is, in the simulator's tokens. */
    static final int LONG_PROMPT_TOKENS = 3_000;

    /** Tasks in the {@link #CRANFIELD_SEARCH} shape, and look-ups per task. */
    static final int CRANFIELD_TASKS = 40;

    static final int CRANFIELD_LOOK_UPS = 3;

    private Shapes() {}

    /** The shape called {@code name}, built from these ParallelQA tasks. */
    public static Scenario named(String name, List<ParallelQa.Task> tasks) {
        return switch (name) {
            case "parallelqa" ->
                build(
                        name,
                        "ParallelQA as published: branch look-ups, one calculation, a templated answer",
                        tasks,
                        t -> {
                            List<Scenario.Call> calls = lookUps(t, t.branch());
                            StringJoiner operands = new StringJoiner(", ", "compare(", ")");
                            calls.forEach(c -> operands.add("$" + c.id()));
                            calls.add(new Scenario.Call("c", ScenarioTools.CALCULATE, operands.toString()));
                            return new Scenario.Task(
                                    t.id(), t.question(), calls, Scenario.Ending.template("Answer: $c"));
                        });
            case "parallelqa-reading" ->
                build(name, "ParallelQA's look-ups, then a model turn that reads them and picks one", tasks, t -> {
                    List<Scenario.Call> calls = lookUps(t, t.branch());
                    return new Scenario.Task(t.id(), t.question(), calls, reading(calls));
                });
            case "chain" ->
                build(
                        name,
                        "look-ups that each need the previous result, 2 or 3 hops, a templated answer",
                        tasks,
                        t -> {
                            int hops = 2 + Math.floorMod(t.id().hashCode(), 2);
                            List<Scenario.Call> calls = new ArrayList<>();
                            for (int hop = 1; hop <= hops; hop++) {
                                String query = "q" + t.id() + " hop " + hop + (hop == 1 ? "" : " from $h" + (hop - 1));
                                calls.add(new Scenario.Call("h" + hop, ScenarioTools.SEARCH, query));
                            }
                            return new Scenario.Task(
                                    t.id(), t.question(), calls, Scenario.Ending.template("Answer: $h" + hops));
                        });
            case "reading-long-prompt" ->
                new Scenario(
                        name,
                        "ParallelQA's look-ups, then a reading join, under a system prompt of about "
                                + LONG_PROMPT_TOKENS + " tokens shared by every task",
                        longPrompt(tasks),
                        Scenario.defaultTools(),
                        named("parallelqa-reading", tasks).tasks());
            case "fanout" ->
                build(
                        name,
                        "8 to 12 independent look-ups, then a model turn that reads them and picks one",
                        tasks,
                        t -> {
                            int width = 8 + Math.floorMod(t.id().hashCode(), 5);
                            List<Scenario.Call> calls = lookUps(t, width);
                            return new Scenario.Task(t.id(), t.question(), calls, reading(calls));
                        });
            case CRANFIELD_SEARCH ->
                throw new IllegalArgumentException(
                        CRANFIELD_SEARCH + " is built from Cranfield's queries: use cranfieldSearch");
            default ->
                throw new IllegalArgumentException(
                        "unknown shape " + name + "; use one of " + NAMES + " or --scenario FILE");
        };
    }

    /**
     * {@value #CRANFIELD_TASKS} tasks of {@value #CRANFIELD_LOOK_UPS} independent look-ups each, the Cranfield
     * queries in file order, then a reading join (the look-up with the most text): for a run whose
     * {@code search} is Quarry's real search tool over the Cranfield index ({@link LocalSearch}).
     */
    public static Scenario cranfieldSearch(List<String> queries) {
        if (queries.size() < CRANFIELD_TASKS * CRANFIELD_LOOK_UPS) {
            throw new IllegalArgumentException(
                    "need " + CRANFIELD_TASKS * CRANFIELD_LOOK_UPS + " queries, got " + queries.size());
        }
        List<Scenario.Task> tasks = new ArrayList<>();
        for (int t = 0; t < CRANFIELD_TASKS; t++) {
            List<Scenario.Call> calls = new ArrayList<>();
            StringBuilder question = new StringBuilder("Which of these has the most written about it?");
            for (int i = 1; i <= CRANFIELD_LOOK_UPS; i++) {
                String query = queries.get(t * CRANFIELD_LOOK_UPS + i - 1).strip();
                calls.add(new Scenario.Call("s" + i, ScenarioTools.SEARCH, query));
                question.append(" (").append(i).append(") ").append(query);
            }
            tasks.add(new Scenario.Task("c" + (t + 1), question.toString(), calls, reading(calls)));
        }
        return new Scenario(
                CRANFIELD_SEARCH,
                "3 look-ups by Quarry's real search tool over the Cranfield index, then a model turn that reads them",
                "",
                Scenario.defaultTools(),
                tasks);
    }

    /** Instructions, then the tasks' questions as worked examples, until about {@value #LONG_PROMPT_TOKENS} tokens. */
    private static String longPrompt(List<ParallelQa.Task> tasks) {
        StringBuilder prompt = new StringBuilder(
                "You answer questions about facts by looking each fact up with the search tool, never from memory."
                        + " Look independent facts up at once. Answer with the item asked for, nothing else.\n"
                        + "Examples of questions you will be asked:\n");
        for (int i = 0; prompt.length() < LONG_PROMPT_TOKENS * 4; i++) {
            prompt.append("- ")
                    .append(tasks.get(i % tasks.size()).question().strip())
                    .append('\n');
        }
        return prompt.toString();
    }

    private static Scenario build(
            String name,
            String description,
            List<ParallelQa.Task> tasks,
            Function<ParallelQa.Task, Scenario.Task> shape) {
        return new Scenario(
                name,
                description,
                "",
                Scenario.defaultTools(),
                tasks.stream().map(shape).toList());
    }

    private static List<Scenario.Call> lookUps(ParallelQa.Task task, int count) {
        List<Scenario.Call> calls = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            calls.add(new Scenario.Call("s" + i, ScenarioTools.SEARCH, "q" + task.id() + " fact " + i));
        }
        return calls;
    }

    private static Scenario.Ending reading(List<Scenario.Call> calls) {
        return Scenario.Ending.reading(calls.stream().map(Scenario.Call::id).toList());
    }
}
