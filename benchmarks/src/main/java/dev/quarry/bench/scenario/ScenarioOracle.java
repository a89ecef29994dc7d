package dev.quarry.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.plan.GraphPlanner;
import dev.quarry.testkit.ConverseBodies;
import dev.quarry.testkit.Turn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The simulated model's mind: decides each task's tool calls from its structure alone (its {@code branch}
 * look-ups, then one calculation over their values, then the answer), identically for every contender, and
 * charges every turn by the fairness contract:
 *
 * <ul>
 *   <li>every turn thinks for the same {@code R} output tokens before its first visible token;
 *   <li>a tool call costs the tokens of its canonical JSON ({@code {"name":..,"input":..}}, with {@code $i}
 *       for a value that comes from look-up {@code i}) whether it is written as a native tool use or as a
 *       plan line;
 *   <li>the final answer is the same text, at the same cost, in every contender.
 * </ul>
 *
 * How many calls a turn may hold is the contender's protocol: one per turn (sequential ReAct), every call
 * whose inputs are known (parallel function calling), or a whole plan (recognised by
 * {@link GraphPlanner#PLAN_HEADER}).
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

    private final Map<String, ParallelQa.Task> byQuestion = new HashMap<>();
    private final int thinkingTokens;

    /**
     * @param tasks the tasks it may be asked about
     * @param thinkingTokens R: output tokens every turn spends before its first visible token
     */
    public ScenarioOracle(List<ParallelQa.Task> tasks, int thinkingTokens) {
        tasks.forEach(task -> byQuestion.put(task.question().strip(), task));
        this.thinkingTokens = thinkingTokens;
    }

    /** The script for a simulator serving a contender with this protocol. */
    public Function<JsonNode, Turn> script(Protocol protocol) {
        return request -> reply(protocol, request);
    }

    /** The final answer for the task, the same text for every contender. */
    public static String answer(ParallelQa.Task task) {
        return "Answer: " + task.answer();
    }

    /** Tokens of a text: four characters a token, rounded up. */
    public static int tokens(String text) {
        return (text.length() + 3) / 4;
    }

    /** Visible output tokens of the task's whole work: every call once, plus the answer. */
    public static int visibleTokens(ParallelQa.Task task) {
        int tokens = tokens(answer(task)) + callTokens(ScenarioTools.CALCULATE, plannedCalculation(task));
        for (int i = 1; i <= task.branch(); i++) {
            tokens += callTokens(ScenarioTools.SEARCH, searchInput(task, i));
        }
        return tokens;
    }

    /** The output tokens every turn spends thinking. */
    public int thinkingTokens() {
        return thinkingTokens;
    }

    /** The task a request is about, from its first user message. */
    public ParallelQa.Task taskOf(JsonNode request) {
        return taskOfText(ConverseBodies.firstUserText(request));
    }

    /** The task a conversation is about, from the text of its first user message. */
    public ParallelQa.Task taskOfText(String firstUserText) {
        String first = firstUserText.strip();
        ParallelQa.Task task = byQuestion.get(first);
        if (task != null) {
            return task;
        }
        for (Map.Entry<String, ParallelQa.Task> entry : byQuestion.entrySet()) {
            if (first.contains(entry.getKey())) {
                return entry.getValue();
            }
        }
        throw new IllegalStateException("request is about no known task; first user text: " + first);
    }

    private Turn reply(Protocol protocol, JsonNode request) {
        ParallelQa.Task task = taskOf(request);
        if (ConverseBodies.systemText(request).startsWith(GraphPlanner.PLAN_HEADER)) {
            return plan(task);
        }
        if (ConverseBodies.systemText(request).startsWith(GraphPlanner.JOIN_HEADER)) {
            return finalAnswer(task);
        }
        Map<String, String> results = ConverseBodies.toolResults(request);
        int searched = 0;
        while (results.containsKey(searchId(searched + 1))) {
            searched++;
        }
        if (searched < task.branch()) {
            int last = protocol == Protocol.ONE_CALL_PER_TURN ? searched + 1 : task.branch();
            List<Turn.ToolUse> uses = new ArrayList<>();
            int cost = 0;
            for (int i = searched + 1; i <= last; i++) {
                String input = searchInput(task, i);
                uses.add(new Turn.ToolUse(searchId(i), ScenarioTools.SEARCH, input));
                cost += callTokens(ScenarioTools.SEARCH, input);
            }
            return charged(Turn.toolUse("", uses.toArray(Turn.ToolUse[]::new)), cost);
        }
        if (!results.containsKey("calc")) {
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= task.branch(); i++) {
                values.add(results.get(searchId(i)).strip());
            }
            String input = calculateInput(values);
            int cost = callTokens(ScenarioTools.CALCULATE, plannedCalculation(task));
            return charged(Turn.toolUse("", new Turn.ToolUse("calc", ScenarioTools.CALCULATE, input)), cost);
        }
        return finalAnswer(task);
    }

    private Turn plan(ParallelQa.Task task) {
        StringBuilder plan = new StringBuilder();
        int cost = 0;
        for (int i = 1; i <= task.branch(); i++) {
            plan.append(planLine(i, ScenarioTools.SEARCH, searchInput(task, i)));
            cost += callTokens(ScenarioTools.SEARCH, searchInput(task, i));
        }
        int calculation = task.branch() + 1;
        String input = plannedCalculation(task);
        plan.append(planLine(calculation, ScenarioTools.CALCULATE, input));
        cost += callTokens(ScenarioTools.CALCULATE, input);
        ObjectNode answerLine = JSON.createObjectNode().put("answer", "Answer: $" + calculation);
        plan.append(answerLine).append('\n');
        return charged(Turn.text(plan.toString()), cost + tokens(answer(task)));
    }

    private Turn finalAnswer(ParallelQa.Task task) {
        return charged(Turn.text(answer(task)), tokens(answer(task)));
    }

    private Turn charged(Turn turn, int visibleTokens) {
        return turn.withVisibleOutputTokens(visibleTokens).withThinking(thinkingTokens);
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

    private static String searchId(int i) {
        return "s" + i;
    }

    private static String searchInput(ParallelQa.Task task, int i) {
        return JSON.createObjectNode()
                .put("query", ScenarioTools.query(task, i))
                .toString();
    }

    /** The calculation as a plan writes it, with {@code $i} for look-up {@code i}: what every contender pays for. */
    private static String plannedCalculation(ParallelQa.Task task) {
        return calculateInput(placeholders(task));
    }

    private static String calculateInput(List<String> operands) {
        return JSON.createObjectNode()
                .put("expression", ScenarioTools.expression(operands))
                .toString();
    }

    private static List<String> placeholders(ParallelQa.Task task) {
        List<String> references = new ArrayList<>();
        for (int i = 1; i <= task.branch(); i++) {
            references.add("$" + i);
        }
        return references;
    }
}
