package dev.quarry.bench.research;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agent.plan.GraphPlanner;
import dev.quarry.testkit.ConverseBodies;
import dev.quarry.testkit.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The simulated model of the "research" shape, playing every role from the request alone: a sub-agent
 * (offered {@code lookup}) looks its part up hop by hop, then answers in {@value #PART_ANSWER_TOKENS} tokens;
 * a coordinator (offered {@code researcher}) hands out the parts, all in one turn ({@link Protocol#PARALLEL}) or
 * one per turn ({@link Protocol#ONE_PER_TURN}, a sequential supervisor), or plans them as a graph, then writes
 * a synthesis of {@value #SYNTHESIS_TOKENS} tokens holding every part's fact that reached it.
 *
 * <p>A sub-agent call costs the same output tokens whether it is written as a native tool use or as a plan
 * line: the tokens of its canonical JSON ({@code {"name":..,"input":..}}, four characters a token), as in the
 * scenario benchmark's fairness contract.
 */
final class ResearchWorld {

    static final int PART_ANSWER_TOKENS = 60;
    static final int SYNTHESIS_TOKENS = 150;

    /** How a coordinator hands out parts. */
    enum Protocol {
        PARALLEL,
        ONE_PER_TURN
    }

    private ResearchWorld() {}

    /** The world's one fact per name: deterministic, the same for every contender. */
    static String lookup(String name) {
        return "v" + Integer.toHexString(name.hashCode() & 0xfffffff);
    }

    static Turn reply(JsonNode body, List<String> toolNames, Protocol protocol) {
        String system = ConverseBodies.systemText(body);
        if (system.contains(GraphPlanner.PLAN_HEADER)) {
            return plan(ConverseBodies.firstUserText(body));
        }
        if (system.contains(GraphPlanner.JOIN_HEADER) || toolNames.contains("researcher")) {
            return coordinator(body, protocol);
        }
        if (toolNames.contains("lookup")) {
            return researcher(body);
        }
        throw new IllegalStateException("the research world has no role for a request offering " + toolNames);
    }

    private static Turn researcher(JsonNode body) {
        ResearchTask.Part part = ResearchTask.Part.of(ConverseBodies.firstUserText(body));
        List<String> results = new ArrayList<>(ConverseBodies.toolResults(body).values());
        if (results.size() < part.hops()) {
            String argument =
                    results.isEmpty() ? part.entity() : results.getLast().strip();
            return Turn.toolUse("", new Turn.ToolUse("l" + results.size(), "lookup", "{\"q\":\"" + argument + "\"}"));
        }
        return Turn.text(part.entity() + " resolves to " + results.getLast().strip() + ".")
                .withVisibleOutputTokens(PART_ANSWER_TOKENS);
    }

    private static Turn coordinator(JsonNode body, Protocol protocol) {
        List<ResearchTask.Part> parts = ResearchTask.partsOf(questionOf(body));
        Map<String, String> results = ConverseBodies.toolResults(body);
        boolean joining = ConverseBodies.systemText(body).contains(GraphPlanner.JOIN_HEADER);
        if (!joining && results.size() < parts.size()) {
            List<ResearchTask.Part> next = protocol == Protocol.PARALLEL ? parts : List.of(parts.get(results.size()));
            int first = protocol == Protocol.PARALLEL ? 0 : results.size();
            List<Turn.ToolUse> uses = new ArrayList<>();
            for (int i = 0; i < next.size(); i++) {
                uses.add(new Turn.ToolUse(
                        "r" + (first + i + 1),
                        "researcher",
                        "{\"task\":\"" + next.get(i).task() + "\"}"));
            }
            return Turn.toolUse("", uses.toArray(Turn.ToolUse[]::new));
        }
        String everything = body.toString();
        StringBuilder answer = new StringBuilder("In sum:");
        for (ResearchTask.Part part : parts) {
            String fact = part.fact();
            answer.append(' ')
                    .append(part.entity())
                    .append(" is ")
                    .append(everything.contains(fact) ? fact : "unknown")
                    .append(';');
        }
        return Turn.text(answer.toString()).withVisibleOutputTokens(SYNTHESIS_TOKENS);
    }

    /** A graph plan: one researcher step per part, no answer line (a joiner writes the synthesis). */
    private static Turn plan(String question) {
        StringBuilder plan = new StringBuilder();
        int id = 1;
        for (ResearchTask.Part part : ResearchTask.partsOf(question)) {
            plan.append("{\"id\": ")
                    .append(id++)
                    .append(", \"tool\": \"researcher\", \"args\": {\"task\": \"")
                    .append(part.task())
                    .append("\"}}\n");
        }
        return Turn.text(plan.toString()).withVisibleOutputTokens(callTokens(ResearchTask.partsOf(question)));
    }

    /** The fair cost of handing out these parts: each call's canonical JSON, four characters a token. */
    static int callTokens(List<ResearchTask.Part> parts) {
        int tokens = 0;
        for (ResearchTask.Part part : parts) {
            String canonical = "{\"name\":\"researcher\",\"input\":{\"task\":\"" + part.task() + "\"}}";
            tokens += (canonical.length() + 3) / 4;
        }
        return tokens;
    }

    /** The coordinator's question: the first user text holding the task's parts. */
    private static String questionOf(JsonNode body) {
        for (JsonNode message : body.path("messages")) {
            for (JsonNode block : message.path("content")) {
                String text = block.path("text").asText("");
                if (text.contains("Research each part")) {
                    return text;
                }
            }
        }
        throw new IllegalStateException("no research question in the coordinator's request");
    }
}
