package dev.quarry.offline;

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
import dev.quarry.agent.LookAhead;
import dev.quarry.agent.plan.GraphPlanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A deterministic, offline langchain4j {@link ChatModel}: the examples run end to end with it without AWS, and
 * an application's own tests can drive a real agent with it (artifact {@code quarry-agent-offline}, which
 * brings no logging binding and nothing of the CLI). It is not Claude, and every answer starts with
 * {@link #HEADER} to say so. What it does is a real, simple
 * algorithm, never canned text:
 *
 * <ul>
 *   <li><b>Planning</b> (tool use or {@link GraphPlanner} plans): splits the task into sub-questions (at
 *       '?', ';', "and" between questions, "compare X and Y") and searches each one, all in one turn, so
 *       the searches run in parallel; for "summarise the documents: a, b" it calls {@code summarise}; for a
 *       task naming an e-mail address it drafts an e-mail with {@code draft_email} after searching, and
 *       when the task also says "send" and {@code send_email} is offered, sends the draft it made.
 *   <li><b>Delegating</b>: offered no {@code search} tool but a tool that takes a {@code task} (a sub-agent,
 *       {@code Agent.Builder.subAgent}), it hands each sub-question to that tool, all in one turn, so the
 *       sub-agents run in parallel; their answers (this model's own answer format) are evidence like passages.
 *   <li><b>Looked-ahead results</b> ({@code LookAhead}) appended to the task count as searches already made:
 *       it does not search again for them, and answers in its first turn when they cover every sub-question.
 *   <li><b>Answering</b>: term-overlap sentence selection over the cited passages the tools returned: the
 *       sentences sharing most content words with the task, each followed by its citation (a result without
 *       {@code [document#chunk[start-end]]} labels counts as one passage cited by its tool's name).
 *   <li><b>Summarising</b>: a request that offers no tools and whose system instruction asks for "at most N
 *       words" (as the {@code summarise} tool's requests do) is summarised within that budget: text made of
 *       {@code [label] passage} blocks keeps whole passages with their labels, in order; any other text
 *       gives its most central sentences.
 * </ul>
 */
public final class OfflineModel implements ChatModel {

    /** First line of every answer. */
    public static final String HEADER = "[offline model: extractive answer, not Claude]";

    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern SUMMARISE = Pattern.compile("(?i)summari[sz]e the documents?:\\s*(.+)");
    private static final Pattern JOIN_STEP = Pattern.compile(
            "(?m)^\\$\\S+ (\\S+) \\[(\\w+)\\]: (.*?)(?=^\\$\\S+ \\S+ \\[\\w+\\]: |^Problems with the plan: |\\z)",
            Pattern.DOTALL);
    private static final Pattern SEND = Pattern.compile("(?i)\\bsend\\b");
    private static final Pattern DRAFT_NAME = Pattern.compile("(draft-\\S+?\\.eml)");
    private static final Pattern WORD_LIMIT = Pattern.compile("at most (\\d+) words");
    private static final Pattern LOOKED_AHEAD =
            Pattern.compile("(?m)^(\\S+) (\\{[^\\n]*\\}):\\n(.*?)(?=\\n\\n\\S+ \\{[^\\n]*\\}:\\n|\\z)", Pattern.DOTALL);

    /**
     * The task split into independent sub-questions, the way this model plans one search for each: at '?',
     * ';', "versus", " and " before another question word, and "Compare X and Y". A rule-based predictor of
     * a task's look-ups, for {@code Speculation.withArgument("search", "query", OfflineModel::subQuestions)}.
     */
    public static List<String> subQuestions(String task) {
        return Extractive.subQuestions(task);
    }

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
                .collect(Collectors.joining("\n"));
        String lastUser = lastUserText(request.messages());
        if (GraphPlanner.isPlanRequest(request)) {
            return AiMessage.from(plan(lastUser, system));
        }
        if (GraphPlanner.isJoinRequest(request)) {
            String task = lastUser.lines().findFirst().orElse("").replaceFirst("^Task: ", "");
            return AiMessage.from(answer(task, joinEvidence(lastUser)));
        }
        Matcher limit = WORD_LIMIT.matcher(system);
        if (request.toolSpecifications().isEmpty() && limit.find()) {
            return AiMessage.from(summarise(Integer.parseInt(limit.group(1)), lastUser));
        }
        List<ToolExecutionResultMessage> results = resultsSinceLastUser(request.messages());
        Set<String> tools = request.toolSpecifications().stream()
                .map(ToolSpecification::name)
                .collect(Collectors.toSet());
        // a look-ahead's results, appended to the task: searches already made, and their passages
        Map<String, Extractive.Passage> lookedAhead = lookedAhead(lastUser);
        lastUser = withoutLookAhead(lastUser);
        if (results.isEmpty()) {
            List<ToolExecutionRequest> calls = firstCalls(lastUser, tools, request.toolSpecifications()).stream()
                    .filter(call -> !lookedAhead.containsKey(call.arguments()))
                    .toList();
            if (!calls.isEmpty()) {
                return AiMessage.from(calls);
            }
            if (lookedAhead.isEmpty()) {
                return AiMessage.from(HEADER + "\nI have no tools to look this up.");
            }
        }
        List<Extractive.Passage> evidence = new ArrayList<>(evidence(results));
        lookedAhead.values().forEach(result -> evidence.addAll(passagesOf(result.label(), result.text())));
        Matcher email = EMAIL.matcher(lastUser);
        boolean drafted = results.stream().anyMatch(r -> "draft_email".equals(r.toolName()));
        if (email.find() && tools.contains("draft_email") && !drafted) {
            return AiMessage.from(List.of(draftCall(lastUser, email.group(), evidence)));
        }
        if (drafted) {
            String status = resultOf(results, "draft_email");
            Matcher draft = DRAFT_NAME.matcher(status);
            boolean sendAsked = SEND.matcher(lastUser).find() && tools.contains("send_email");
            boolean sent = results.stream().anyMatch(r -> "send_email".equals(r.toolName()));
            if (sendAsked && !sent && draft.find()) {
                ObjectNode args = JsonNodeFactory.instance.objectNode().put("draft", draft.group(1));
                return AiMessage.from(List.of(call("call-send", "send_email", args)));
            }
            return AiMessage.from(HEADER + "\n" + status + (sent ? "\n" + resultOf(results, "send_email") : ""));
        }
        return AiMessage.from(answer(lastUser, evidence));
    }

    /**
     * The cited passages of a {@link GraphPlanner} join request's step results ({@code $id tool [STATUS]:
     * text} blocks); a succeeded result without any is one passage cited by its tool's name.
     */
    private static List<Extractive.Passage> joinEvidence(String input) {
        List<Extractive.Passage> passages = new ArrayList<>();
        Matcher step = JOIN_STEP.matcher(input);
        while (step.find()) {
            if (!"SUCCEEDED".equals(step.group(2))) {
                continue;
            }
            String text = step.group(3).strip();
            List<Extractive.Passage> cited = Extractive.passages(text);
            passages.addAll(cited.isEmpty() ? List.of(new Extractive.Passage(step.group(1), text)) : cited);
        }
        return passages;
    }

    private static String resultOf(List<ToolExecutionResultMessage> results, String tool) {
        return results.stream()
                .filter(r -> tool.equals(r.toolName()))
                .map(ToolExecutionResultMessage::text)
                .reduce((first, later) -> later)
                .orElse("");
    }

    /**
     * The cited passages of the results (a sub-agent's answer in this model's format gives its cited sentences);
     * a result without any is one passage cited by its tool's name.
     */
    private static List<Extractive.Passage> evidence(List<ToolExecutionResultMessage> results) {
        List<Extractive.Passage> passages = new ArrayList<>();
        results.forEach(result -> passages.addAll(passagesOf(result.toolName(), result.text())));
        return passages;
    }

    /**
     * The cited passages of one tool's result (a sub-agent's answer in this model's format gives its cited
     * sentences); a result without any is one passage cited by the tool's name.
     */
    private static List<Extractive.Passage> passagesOf(String tool, String text) {
        List<Extractive.Passage> cited =
                text.startsWith(HEADER) ? Extractive.citedSentences(text) : Extractive.passages(text);
        return cited.isEmpty() ? List.of(new Extractive.Passage(tool, text)) : cited;
    }

    private static List<ToolExecutionRequest> firstCalls(
            String task, Set<String> tools, List<ToolSpecification> specifications) {
        Matcher summarise = SUMMARISE.matcher(task);
        if (summarise.find() && tools.contains("summarise")) {
            return List.of(call("call-1", "summarise", summariseArguments(summarise)));
        }
        if (!tools.contains("search")) {
            return delegateCalls(task, specifications);
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

    /** One call per sub-question to the first tool that takes a {@code task} (a sub-agent), if there is one. */
    private static List<ToolExecutionRequest> delegateCalls(String task, List<ToolSpecification> specifications) {
        String delegate = specifications.stream()
                .filter(s ->
                        s.parameters() != null && s.parameters().properties().containsKey("task"))
                .map(ToolSpecification::name)
                .findFirst()
                .orElse(null);
        if (delegate == null) {
            return List.of();
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (String question : Extractive.subQuestions(task)) {
            calls.add(call(
                    "call-" + (calls.size() + 1),
                    delegate,
                    JsonNodeFactory.instance.objectNode().put("task", question)));
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
        return task.replaceAll("(?i)^draft (and send )?an e-?mail to \\S+ (about|on)\\s+", "");
    }

    private static ToolExecutionRequest draftCall(String task, String address, List<Extractive.Passage> evidence) {
        String topic = withoutEmailInstruction(task);
        List<Extractive.Sentence> best = Extractive.bestSentences(topic, evidence, 4);
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

    static String answer(String task, List<Extractive.Passage> evidence) {
        List<Extractive.Sentence> best = Extractive.bestSentences(task, evidence, 4);
        if (best.isEmpty()) {
            return HEADER + "\nThe retrieved passages do not answer this.";
        }
        StringBuilder answer = new StringBuilder(HEADER).append('\n');
        best.forEach(s -> answer.append(s.text()).append(" [").append(s.label()).append("]\n"));
        return answer.toString().strip();
    }

    private static String summarise(int maxWords, String text) {
        List<Extractive.Passage> parts = Extractive.passages(text);
        if (!parts.isEmpty()) {
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

    /**
     * The calls a look-ahead made before this request, by their arguments' JSON, with their results as a
     * passage labelled by the tool: the blocks {@code tool {arguments}:} and the result text under
     * {@link LookAhead#CONTEXT_HEADING}.
     */
    private static Map<String, Extractive.Passage> lookedAhead(String userText) {
        Map<String, Extractive.Passage> made = new LinkedHashMap<>();
        int context = userText.indexOf(LookAhead.CONTEXT_HEADING);
        if (context < 0) {
            return made;
        }
        Matcher block = LOOKED_AHEAD.matcher(userText.substring(context));
        while (block.find()) {
            made.put(
                    block.group(2),
                    new Extractive.Passage(block.group(1), block.group(3).strip()));
        }
        return made;
    }

    private static String withoutLookAhead(String userText) {
        int context = userText.indexOf(LookAhead.CONTEXT_HEADING);
        return context < 0 ? userText : userText.substring(0, context).strip();
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
