package dev.quarry.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One scripted assistant turn for {@link BedrockSimulator}: optional text, any number of tool uses, a stop
 * reason and token usage (estimated from the content when not given).
 *
 * @param text assistant text, may be empty
 * @param toolUses tool calls, in order
 * @param stopReason Bedrock stop reason ({@code end_turn}, {@code tool_use}, {@code max_tokens}, ...)
 * @param usage tokens to report; null to estimate (four characters a token)
 */
public record Turn(String text, List<ToolUse> toolUses, String stopReason, Usage usage) {

    public Turn {
        text = text == null ? "" : text;
        toolUses = List.copyOf(toolUses);
        Objects.requireNonNull(stopReason, "stopReason");
    }

    /** A final answer. */
    public static Turn text(String text) {
        return new Turn(text, List.of(), "end_turn", null);
    }

    /** A turn that calls tools (with an optional preamble text). */
    public static Turn toolUse(String text, ToolUse... uses) {
        return new Turn(text, List.of(uses), "tool_use", null);
    }

    /** This turn reporting the given usage. */
    public Turn withUsage(Usage newUsage) {
        return new Turn(text, toolUses, stopReason, newUsage);
    }

    /** Output tokens this turn costs: the scripted usage, or an estimate from its text and tool inputs. */
    public int outputTokens() {
        if (usage != null) {
            return usage.outputTokens();
        }
        int chars = text.length();
        for (ToolUse use : toolUses) {
            chars += use.name().length() + use.inputJson().length();
        }
        return Math.max(1, chars / 4);
    }

    /** Content blocks in order: text first (if any), then tool uses. */
    List<Object> blocks() {
        List<Object> blocks = new ArrayList<>();
        if (!text.isEmpty()) {
            blocks.add(text);
        }
        blocks.addAll(toolUses);
        return blocks;
    }

    /**
     * A tool call.
     *
     * @param id the toolUseId the SDK will hand back with the result
     * @param name tool name
     * @param inputJson the arguments as a JSON object
     */
    public record ToolUse(String id, String name, String inputJson) {}

    /** Token usage reported by the simulator. */
    public record Usage(int inputTokens, int outputTokens, int cacheReadTokens, int cacheWriteTokens) {}
}
