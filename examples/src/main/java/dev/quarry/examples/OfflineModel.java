package dev.quarry.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.quarry.agent.plan.GraphPlanner;
import dev.quarry.tools.SummariseTool;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A deterministic, offline langchain4j {@link ChatModel} so the examples run end to end without AWS. It is
 * not Claude, and every answer starts with {@link #HEADER} to say so. What it does is a real, simple
 * algorithm, never canned text:
 *
 * <ul>
 *   <li><b>Planning</b> (tool use or {@link GraphPlanner} plans): splits the task into sub-questions (at
 *       '?', ';', "and" between questions, "compare X and Y") and searches each one, all in one turn, so
 *       the searches run in parallel; for "summarise the documents: a, b" it calls {@code summarise}; for a
 *       task naming an e-mail address it drafts an e-mail with {@code draft_email} after searching.
 *   <li><b>Answering</b>: term-overlap sentence selection over the cited passages the tools returned: the
 *       sentences sharing most content words with the task, each followed by its citation.
 *   <li><b>Summarising</b> (requests from the {@code summarise} tool): the most central sentences within the
 *       word budget.
 * </ul>
 */
public final class OfflineModel implements ChatModel {

    /** First line of every answer. */
    public static final String HEADER = "[offline model: extractive answer, not Claude]";

    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern SUMMARISE = Pattern.compile("(?i)summari[sz]e the documents?:\\s*(.+)");
    private static final Pattern WORD_LIMIT = Pattern.compile("at most (\\d+) words");

    @Override
    public ChatResponse doChat(ChatRequest request) {
        AiMessage reply = reply(request);
        return ChatResponse.builder()
                .aiMessage(reply)
                .finishReason(reply.hasToolExecutionRequests() ? FinishReason.TOOL_EXECUTION : FinishReason.STOP)
                .tokenUsage(new TokenUsage(tokens(request.messages().toString()), tokens(reply.toString())))
                .build();
    }

    private static int tokens(String text) {
        return Math.max(1, text.length() / 4);
    }

    AiMessage reply(ChatRequest request) {
        String system = request.messages().stream()
                .filter(m -> m instanceof SystemMessage)
                .map(m -> ((SystemMessage) m).text())
                .findFirst()
                .orElse("");
        String lastUser = lastUserText(request.messages());
        if (system.startsWith(GraphPlanner.PLAN_HEADER)) {
            return AiMessage.from(plan(lastUser, system));
        }
        if (system.startsWith(GraphPlanner.JOIN_HEADER)) {
            String task = lastUser.lines().findFirst().orElse("").replaceFirst("^Task: ", "");
            return AiMessage.from(answer(task, lastUser));
        }
        if (system.startsWith(SummariseTool.MAP_INSTRUCTION) || system.startsWith(SummariseTool.REDUCE_INSTRUCTION)) {
            return AiMessage.from(summarise(system, lastUser));
        }
        List<ToolExecutionResultMessage> results = resultsSinceLastUser(request.messages());
        Set<String> tools = request.toolSpecifications().stream()
                .map(ToolSpecification::name)
                .collect(Collectors.toSet());
        if (results.isEmpty()) {
            List<ToolExecutionRequest> calls = firstCalls(lastUser, tools);
            if (!calls.isEmpty()) {
                return AiMessage.from(calls);
            }
            return AiMessage.from(HEADER + "\nI have no tools to look this up.");
        }
        String evidence = results.stream().map(ToolExecutionResultMessage::text).collect(Collectors.joining("\n\n"));
        Matcher email = EMAIL.matcher(lastUser);
        boolean drafted = results.stream().anyMatch(r -> "draft_email".equals(r.toolName()));
        if (email.find() && tools.contains("draft_email") && !drafted) {
            return AiMessage.from(List.of(draftCall(lastUser, email.group(), evidence)));
        }
        if (drafted) {
            String status = results.stream()
                    .filter(r -> "draft_email".equals(r.toolName()))
                    .map(ToolExecutionResultMessage::text)
                    .findFirst()
                    .orElse("");
            return AiMessage.from(HEADER + "\n" + status);
        }
        return AiMessage.from(answer(lastUser, evidence));
    }

    private static List<ToolExecutionRequest> firstCalls(String task, Set<String> tools) {
        Matcher summarise = SUMMARISE.matcher(task);
        if (summarise.find() && tools.contains("summarise")) {
            return List.of(call("call-1", "summarise", summariseArguments(summarise)));
        }
        if (!tools.contains("search")) {
            return List.of();
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (String question : Extractive.subQuestions(withoutEmailInstruction(task))) {
            calls.add(call(
                    "call-" + (calls.size() + 1),
                    "search",
                    JsonNodeFactory.instance.objectNode().put("query", question)));
        }
        return calls;
    }

    /** {@code {"document_ids": [...]}} from the ids a "summarise the documents: a, b" task names. */
    private static ObjectNode summariseArguments(Matcher summarise) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        var ids = args.putArray("document_ids");
        for (String id : summarise.group(1).split("[,\\s]+")) {
            if (!id.isBlank()) {
                ids.add(id.strip());
            }
        }
        return args;
    }

    private static String withoutEmailInstruction(String task) {
        return task.replaceAll("(?i)^draft an e-?mail to \\S+ (about|on)\\s+", "");
    }

    private static ToolExecutionRequest draftCall(String task, String address, String evidence) {
        String topic = withoutEmailInstruction(task);
        List<Extractive.Sentence> best = Extractive.bestSentences(topic, Extractive.passages(evidence), 4);
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.putArray("to").add(address);
        args.put("subject", topic.length() > 70 ? topic.substring(0, 67) + "..." : topic);
        StringBuilder body = new StringBuilder("Hello,\n\nHere is what our documents say about ")
                .append(topic)
                .append(":\n\n");
        best.forEach(s -> body.append("- ")
                .append(s.text())
                .append(" [")
                .append(s.label())
                .append("]\n"));
        body.append("\n(Drafted by Quarry's offline model from the cited passages.)");
        args.put("body", body.toString());
        var citations = args.putArray("citations");
        best.stream().map(Extractive.Sentence::label).distinct().forEach(citations::add);
        return call("call-draft", "draft_email", args);
    }

    private static String plan(String task, String system) {
        StringBuilder plan = new StringBuilder();
        int id = 1;
        Matcher summarise = SUMMARISE.matcher(task);
        if (summarise.find() && system.contains("- summarise:")) {
            return "{\"id\": 1, \"tool\": \"summarise\", \"args\": " + summariseArguments(summarise)
                    + "}\n{\"answer\": \"" + HEADER + "\\n$1\"}";
        }
        for (String question : Extractive.subQuestions(task)) {
            ObjectNode args = JsonNodeFactory.instance.objectNode().put("query", question);
            plan.append("{\"id\": ")
                    .append(id++)
                    .append(", \"tool\": \"search\", \"args\": ")
                    .append(args)
                    .append("}\n");
        }
        return plan.toString();
    }

    static String answer(String task, String evidence) {
        List<Extractive.Sentence> best = Extractive.bestSentences(task, Extractive.passages(evidence), 4);
        if (best.isEmpty()) {
            return HEADER + "\nThe retrieved passages do not answer this.";
        }
        StringBuilder answer = new StringBuilder(HEADER).append('\n');
        best.forEach(s -> answer.append(s.text()).append(" [").append(s.label()).append("]\n"));
        return answer.toString().strip();
    }

    private static String summarise(String instruction, String text) {
        Matcher limit = WORD_LIMIT.matcher(instruction);
        int maxWords = limit.find() ? Integer.parseInt(limit.group(1)) : 100;
        if (instruction.startsWith(SummariseTool.REDUCE_INSTRUCTION)) {
            List<Extractive.Passage> parts = Extractive.passages(text);
            StringBuilder out = new StringBuilder();
            int words = 0;
            for (Extractive.Passage part : parts) {
                int count = part.text().split("\\s+").length;
                if (words + count > maxWords && words > 0) {
                    break;
                }
                out.append(part.text()).append(" [").append(part.label()).append("] ");
                words += count;
            }
            return out.toString().strip();
        }
        return Extractive.summary(text, maxWords);
    }

    private static ToolExecutionRequest call(String id, String tool, ObjectNode args) {
        return ToolExecutionRequest.builder()
                .id(id)
                .name(tool)
                .arguments(args.toString())
                .build();
    }

    private static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                return user.singleText();
            }
        }
        return "";
    }

    private static List<ToolExecutionResultMessage> resultsSinceLastUser(List<ChatMessage> messages) {
        List<ToolExecutionResultMessage> results = new ArrayList<>();
        for (int i = messages.size() - 1; i >= 0 && !(messages.get(i) instanceof UserMessage); i--) {
            if (messages.get(i) instanceof ToolExecutionResultMessage result) {
                results.addFirst(result);
            }
        }
        return results;
    }
}
