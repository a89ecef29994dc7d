package dev.quarry.agent.otel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Messages and results as the content-capture attributes hold them (only when the user opted in). */
final class Content {

    /** Longest text of one attribute. */
    static final int MAX_CHARS = 4_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Content() {}

    /** {@code [{"role": ..., "content": ...}, ...]}, each content cut at {@link #MAX_CHARS}. */
    static String messages(List<ChatMessage> messages) {
        List<Map<String, String>> rendered = messages.stream()
                .map(m -> {
                    Map<String, String> entry = new LinkedHashMap<>();
                    entry.put("role", roleOf(m));
                    entry.put("content", excerpt(textOf(m)));
                    return entry;
                })
                .toList();
        try {
            return JSON.writeValueAsString(rendered);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("messages are not serialisable", e);
        }
    }

    static String excerpt(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "...";
    }

    private static String roleOf(ChatMessage message) {
        return switch (message) {
            case SystemMessage s -> "system";
            case UserMessage u -> "user";
            case AiMessage a -> "assistant";
            case ToolExecutionResultMessage t -> "tool";
            default -> message.type().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String textOf(ChatMessage message) {
        return switch (message) {
            case SystemMessage s -> s.text();
            case UserMessage u -> u.hasSingleText() ? u.singleText() : String.valueOf(u.contents());
            case AiMessage a -> a.text() != null ? a.text() : String.valueOf(a.toolExecutionRequests());
            case ToolExecutionResultMessage t -> t.text();
            default -> String.valueOf(message);
        };
    }
}
