package dev.quarry.agent.memory;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelResponse;
import dev.quarry.agent.model.StreamSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model interceptor that keeps one run's history within its {@link ConversationMemory} budget: outermost
 * on the run's model chain, so the summary call it makes passes the run's limits, trace and usage like any
 * other. It compacts the run's conversation in place (so later calls, and the session that stores the
 * conversation, start from the compacted form) and sends the planner's request with the same messages
 * replaced. Calls a tool makes are left alone.
 */
public final class HistoryCompaction implements ModelInterceptor {

    /** The purpose of the summary call in the trace and usage. */
    public static final String SUMMARY_PURPOSE = "summarise";

    /** How a summary starts the first turn kept. */
    public static final String SUMMARY_HEADER = "Summary of the earlier conversation (older turns were compacted):";

    private static final String SUMMARY_INSTRUCTIONS = """
            You compress a conversation between a user and an assistant that uses tools, so the assistant can \
            go on without the full transcript. Write a compact summary: what the user asked, the facts the \
            tools returned that were used (with their citations, as written), the answers given, and anything \
            left open. No preamble.""";

    private final ConversationMemory memory;
    private final List<ChatMessage> conversation;

    /** @param conversation the run's conversation, compacted in place */
    public HistoryCompaction(ConversationMemory memory, List<ChatMessage> conversation) {
        this.memory = memory;
        this.conversation = conversation;
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        if (call.toolStep().isPresent() || SUMMARY_PURPOSE.equals(call.purpose())) {
            return chain.proceed(call);
        }
        Replacements replacements;
        synchronized (conversation) {
            List<ChatMessage> history = history(conversation);
            if (memory.estimate(history) <= memory.maxHistoryTokens()) {
                return chain.proceed(call);
            }
            replacements = compact(history, call, chain);
            List<ChatMessage> compacted = replacements.apply(conversation);
            conversation.clear();
            conversation.addAll(compacted);
        }
        ChatRequest request = call.request().toBuilder()
                .messages(replacements.apply(call.request().messages()))
                .build();
        return chain.proceed(call.withRequest(request));
    }

    private static List<ChatMessage> history(List<ChatMessage> messages) {
        return messages.stream().filter(m -> !(m instanceof SystemMessage)).toList();
    }

    /** Clears old tool results, then, when that is not enough, summarises the old turns. */
    private Replacements compact(List<ChatMessage> history, ModelCall call, Chain chain) {
        Replacements replacements = new Replacements();
        int kept = firstKept(history);
        if (kept <= 0) {
            return replacements;
        }
        List<ChatMessage> old = history.subList(0, kept);
        for (ChatMessage message : old) {
            if (message instanceof ToolExecutionResultMessage result && !cleared(result)) {
                replacements.replace(result, clearedNote(result));
            }
        }
        if (!memory.summarise() || memory.estimate(replacements.apply(history)) <= memory.maxHistoryTokens()) {
            return replacements;
        }
        String summary = summarise(replacements.apply(old), call, chain);
        Replacements summarised = new Replacements();
        old.forEach(summarised::remove);
        UserMessage firstKept = (UserMessage) history.get(kept);
        String prefix = SUMMARY_HEADER + "\n" + summary + "\n\n---\n\n";
        if (firstKept.hasSingleText()) {
            summarised.replace(firstKept, UserMessage.from(prefix + firstKept.singleText()));
        } else {
            List<Content> contents = new ArrayList<>();
            contents.add(TextContent.from(prefix));
            contents.addAll(firstKept.contents());
            summarised.replace(firstKept, UserMessage.from(contents));
        }
        return summarised;
    }

    /** The index of the first message of the turns kept verbatim (0 when there are no older turns). */
    private int firstKept(List<ChatMessage> history) {
        int turns = 0;
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i) instanceof UserMessage && ++turns == memory.keepLastTurns()) {
                return i;
            }
        }
        return 0;
    }

    private static boolean cleared(ToolExecutionResultMessage result) {
        return result.text() != null && result.text().startsWith("[cleared");
    }

    private static ToolExecutionResultMessage clearedNote(ToolExecutionResultMessage result) {
        int length = result.text() == null ? 0 : result.text().length();
        return ToolExecutionResultMessage.builder()
                .id(result.id())
                .toolName(result.toolName())
                .text("[cleared to save context: the result of step " + result.id() + " (" + result.toolName() + "), "
                        + length + " characters; call the tool again if it is needed]")
                .isError(result.isError())
                .build();
    }

    private String summarise(List<ChatMessage> old, ModelCall call, Chain chain) {
        StringBuilder transcript = new StringBuilder();
        for (ChatMessage message : old) {
            switch (message) {
                case UserMessage user ->
                    transcript.append("User: ").append(text(user)).append('\n');
                case AiMessage ai -> {
                    if (ai.text() != null && !ai.text().isBlank()) {
                        transcript.append("Assistant: ").append(ai.text()).append('\n');
                    }
                    if (ai.hasToolExecutionRequests()) {
                        ai.toolExecutionRequests()
                                .forEach(r -> transcript
                                        .append("Assistant called ")
                                        .append(r.name())
                                        .append(' ')
                                        .append(r.arguments())
                                        .append('\n'));
                    }
                }
                case ToolExecutionResultMessage result ->
                    transcript
                            .append("Tool ")
                            .append(result.toolName())
                            .append(" returned: ")
                            .append(result.text())
                            .append('\n');
                default -> transcript.append(message).append('\n');
            }
        }
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from(SUMMARY_INSTRUCTIONS), UserMessage.from(transcript.toString()))
                .build();
        ModelCall summaryCall = new ModelCall(
                call.runId(),
                call.id() + "-summary",
                SUMMARY_PURPOSE,
                request,
                false,
                StreamSink.NONE,
                call.deadline());
        AiMessage reply = chain.proceed(summaryCall).chatResponse().aiMessage();
        return reply.text() == null ? "" : reply.text().strip();
    }

    private static String text(UserMessage user) {
        return user.hasSingleText() ? user.singleText() : user.contents().toString();
    }

    /** Messages to drop and to replace, by identity (equal messages in two places are two messages). */
    private static final class Replacements {
        private final Map<ChatMessage, ChatMessage> replaced = new IdentityHashMap<>();
        private final Set<ChatMessage> removed = Collections.newSetFromMap(new IdentityHashMap<>());

        void replace(ChatMessage original, ChatMessage replacement) {
            replaced.put(original, replacement);
        }

        void remove(ChatMessage original) {
            removed.add(original);
        }

        List<ChatMessage> apply(List<ChatMessage> messages) {
            List<ChatMessage> result = new ArrayList<>(messages.size());
            for (ChatMessage message : messages) {
                if (!removed.contains(message)) {
                    result.add(replaced.getOrDefault(message, message));
                }
            }
            return result;
        }
    }
}
