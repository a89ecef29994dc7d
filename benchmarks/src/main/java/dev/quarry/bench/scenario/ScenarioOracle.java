package dev.quarry.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.LookAhead;
import dev.quarry.agent.plan.GraphPlanner;
import dev.quarry.testkit.ConverseBodies;
import dev.quarry.testkit.Turn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The simulated model's mind: follows each task of a {@link Scenario} (its calls, their dependencies, its
 * ending), identically for every contender, and charges every turn by the fairness contract:
 *
 * <ul>
 *   <li>every turn thinks for the same {@code R} output tokens before its first visible token;
 *   <li>a tool call costs the tokens of its canonical JSON ({@code {"name":..,"input":..}}, with {@code $n}
 *       for a value that comes from the task's {@code n}-th call) whether it is written as a native tool use
 *       or as a plan line;
 *   <li>the final answer is the same text, at the same cost, in every contender.
 * </ul>
 *
 * How many calls a turn may hold is the contender's protocol: one per turn (sequential ReAct), every call
 * whose inputs are known (parallel function calling), or a whole plan (recognised by
 * {@link GraphPlanner#PLAN_HEADER}). A plan states a templated answer in its answer line; a task that ends
 * by reading results gets a plan without one, and its answer comes from the join call. Before answering, a
 * reading turn checks that the results it reads are in front of it; if one is missing it answers "unknown",
 * which the runner counts as a wrong answer.
 */
public final class ScenarioOracle {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How many tool calls the model puts in one turn. */
    public enum Protocol {
        /** One tool call per turn: what a ReAct loop gets from a model told to act step by step. */
        ONE_CALL_PER_TURN,
        /** Every call whose inputs are known, in one turn: parallel function calling. */
        ALL_READY_CALLS_PER_TURN
    }

    private final Map<String, Scenario.Task> byQuestion = new LinkedHashMap<>();
    private final ScenarioWorld world;
    private final int thinkingTokens;

    /**
     * @param world the scenario and its facts
     * @param tasks the tasks it may be asked about
     * @param thinkingTokens R: output tokens every turn spends before its first visible token
     */
    public ScenarioOracle(ScenarioWorld world, List<Scenario.Task> tasks, int thinkingTokens) {
        for (Scenario.Task task : tasks) {
            byQuestion.put(task.question().strip(), task);
        }
        this.world = world;
        this.thinkingTokens = thinkingTokens;
    }

    /** The script for a simulator serving a contender with this protocol. */
    public Function<JsonNode, Turn> script(Protocol protocol) {
        return request -> reply(protocol, request);
    }

    /** The task's expected calls, their results and its answer: the same for every contender. */
    public ScenarioWorld.Resolved expected(Scenario.Task task) {
        return world.resolve(task);
    }

    /** Tokens of a text: four characters a token, rounded up. */
    public static int tokens(String text) {
        return (text.length() + 3) / 4;
    }

    /** Visible output tokens of the task's whole work: every call once, plus the answer. */
    public int visibleTokens(Scenario.Task task) {
        int tokens = tokens(expected(task).answer());
        for (Scenario.Call call : task.calls()) {
            tokens += callTokens(call.tool(), canonicalInput(task, call));
        }
        return tokens;
    }

    /** The output tokens every turn spends thinking. */
    public int thinkingTokens() {
        return thinkingTokens;
    }

    /** The task a request is about, from its first user message. */
    public Scenario.Task taskOf(JsonNode request) {
        return taskOfText(ConverseBodies.firstUserText(request));
    }

    /** The task a conversation is about, from the text of its first user message. */
    public Scenario.Task taskOfText(String firstUserText) {
        String first = firstUserText.strip();
        Scenario.Task task = byQuestion.get(first);
        if (task != null) {
            return task;
        }
        for (Map.Entry<String, Scenario.Task> entry : byQuestion.entrySet()) {
            if (first.contains(entry.getKey())) {
                return entry.getValue();
            }
        }
        throw new IllegalStateException("request is about no known task; first user text: " + first);
    }

    private Turn reply(Protocol protocol, JsonNode request) {
        Scenario.Task task = taskOf(request);
        String system = ConverseBodies.systemText(request);
        if (system.contains(GraphPlanner.PLAN_HEADER)) {
            return plan(task);
        }
        if (system.contains(GraphPlanner.JOIN_HEADER)) {
            String joinInput = ConverseBodies.firstUserText(request);
            return finalAnswer(task, result -> joinInput.contains(result.strip()));
        }
        Map<String, String> results = new LinkedHashMap<>(ConverseBodies.toolResults(request));
        results.putAll(lookedAhead(task, ConverseBodies.firstUserText(request)));
        List<Scenario.Call> ready = new ArrayList<>();
        for (Scenario.Call call : task.calls()) {
            if (!results.containsKey(call.id()) && results.keySet().containsAll(call.references())) {
                ready.add(call);
            }
        }
        if (ready.isEmpty()) {
            return finalAnswer(
                    task,
                    value -> results.values().stream().anyMatch(r -> r.strip().equals(value.strip())));
        }
        if (protocol == Protocol.ONE_CALL_PER_TURN) {
            ready = ready.subList(0, 1);
        }
        List<Turn.ToolUse> uses = new ArrayList<>();
        int cost = 0;
        for (Scenario.Call call : ready) {
            String argument = ScenarioWorld.substitute(call.argument(), results);
            uses.add(new Turn.ToolUse(call.id(), call.tool(), input(call.tool(), argument)));
            cost += callTokens(call.tool(), canonicalInput(task, call));
        }
        return charged(Turn.toolUse("", uses.toArray(Turn.ToolUse[]::new)), cost);
    }

    /**
     * The task's calls whose results the request shows under {@link LookAhead#CONTEXT_HEADING} (a look-ahead's
     * predictions, appended to the task's message as {@code tool {input}:} and the result): the model has
     * them without calling, keyed by call id. Only calls that need no earlier result can be predicted.
     */
    static Map<String, String> lookedAhead(Scenario.Task task, String firstUserText) {
        Map<String, String> seen = new LinkedHashMap<>();
        int context = firstUserText.indexOf(LookAhead.CONTEXT_HEADING);
        if (context < 0) {
            return seen;
        }
        String shown = firstUserText.substring(context);
        for (Scenario.Call call : task.calls()) {
            if (!call.references().isEmpty()) {
                continue;
            }
            String marker = call.tool() + " " + input(call.tool(), call.argument()) + ":\n";
            int at = shown.indexOf(marker);
            if (at >= 0) {
                int start = at + marker.length();
                int end = shown.indexOf("\n\n", start);
                seen.put(
                        call.id(),
                        shown.substring(start, end < 0 ? shown.length() : end).strip());
            }
        }
        return seen;
    }

    /**
     * Visible output tokens of the task's work when the model was shown the results of {@code predicted}
     * calls and so never wrote them.
     */
    public int visibleTokens(Scenario.Task task, java.util.Set<String> predicted) {
        int tokens = visibleTokens(task);
        for (Scenario.Call call : task.calls()) {
            if (predicted.contains(call.id())) {
                tokens -= callTokens(call.tool(), canonicalInput(task, call));
            }
        }
        return tokens;
    }

    private Turn plan(Scenario.Task task) {
        StringBuilder plan = new StringBuilder();
        int cost = 0;
        for (Scenario.Call call : task.calls()) {
            String input = canonicalInput(task, call);
            plan.append(planLine(number(task, call.id()), call.tool(), input));
            cost += callTokens(call.tool(), input);
        }
        if (task.ending().kind() == Scenario.EndingKind.TEMPLATE) {
            ObjectNode answerLine = JSON.createObjectNode()
                    .put("answer", numbered(task, task.ending().answer()));
            plan.append(answerLine).append('\n');
            cost += tokens(expected(task).answer());
        }
        return charged(Turn.text(plan.toString()), cost);
    }

    /** The answer, after checking that every result a reading ending reads is visible to this turn. */
    private Turn finalAnswer(Scenario.Task task, java.util.function.Predicate<String> visible) {
        ScenarioWorld.Resolved expected = expected(task);
        String answer = expected.answer();
        if (task.ending().kind() == Scenario.EndingKind.READING) {
            for (String id : task.ending().reads()) {
                if (!visible.test(expected.results().get(id))) {
                    answer = "unknown: the result of " + id + " was not given";
                }
            }
        }
        return charged(Turn.text(answer), tokens(expected.answer()));
    }

    private Turn charged(Turn turn, int visibleTokens) {
        return turn.withVisibleOutputTokens(visibleTokens).withThinking(thinkingTokens);
    }

    /** The call's input as a plan writes it: references as {@code $n}, the call's position in the task. */
    private static String canonicalInput(Scenario.Task task, Scenario.Call call) {
        return input(call.tool(), numbered(task, call.argument()));
    }

    private static String numbered(Scenario.Task task, String text) {
        Map<String, String> numbers = new HashMap<>();
        for (Scenario.Call call : task.calls()) {
            numbers.put(call.id(), "$" + number(task, call.id()));
        }
        return ScenarioWorld.substitute(text, numbers);
    }

    private static int number(Scenario.Task task, String id) {
        for (int i = 0; i < task.calls().size(); i++) {
            if (task.calls().get(i).id().equals(id)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("task " + task.id() + " has no call " + id);
    }

    private static String input(String tool, String argument) {
        return JSON.createObjectNode()
                .put(tool.equals(ScenarioTools.SEARCH) ? "query" : "expression", argument)
                .toString();
    }

    private static String planLine(int id, String tool, String inputJson) {
        ObjectNode line = JSON.createObjectNode().put("id", id).put("tool", tool);
        try {
            line.set("args", JSON.readTree(inputJson));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return line + "\n";
    }

    private static int callTokens(String tool, String inputJson) {
        return tokens("{\"name\":\"" + tool + "\",\"input\":" + inputJson + "}");
    }
}
