package dev.quarry.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One scripted assistant turn for {@link BedrockSimulator}: optional text, any number of tool uses, a stop
 * reason, hidden thinking and token usage (estimated from the content when not given).
 *
 * @param text assistant text, may be empty
 * @param toolUses tool calls, in order
 * @param stopReason Bedrock stop reason ({@code end_turn}, {@code tool_use}, {@code max_tokens}, ...)
 * @param usage tokens to report; null to estimate (four characters a token)
 * @param thinkingTokens output tokens the model spends thinking before its first visible token; they take
 *     generation time and are billed as output, but no text of them is returned (like extended thinking
 *     whose content is withheld)
 */
public record Turn(String text, List<ToolUse> toolUses, String stopReason, Usage usage, int thinkingTokens) {

    public Turn {
        text = text == null ? "" : text;
        toolUses = List.copyOf(toolUses);
        Objects.requireNonNull(stopReason, "stopReason");
        if (thinkingTokens < 0) {
            throw new IllegalArgumentException("thinkingTokens must not be negative");
        }
    }

    /** A final answer. */
    public static Turn text(String text) {
        return new Turn(text, List.of(), "end_turn", null, 0);
    }

    /** A turn that calls tools (with an optional preamble text). */
    public static Turn toolUse(String text, ToolUse... uses) {
        return new Turn(text, List.of(uses), "tool_use", null, 0);
    }

    /** This turn reporting the given usage. */
    public Turn withUsage(Usage newUsage) {
        return new Turn(text, toolUses, stopReason, newUsage, thinkingTokens);
    }

    /**
     * This turn costing exactly {@code tokens} visible output tokens, whatever its text's length; input tokens
     * are still counted from the request. Lets a benchmark charge the same for the same content in any format.
     */
    public Turn withVisibleOutputTokens(int tokens) {
        return withUsage(new Usage(Usage.MEASURED, tokens, 0, 0));
    }

    /** This turn thinking for {@code tokens} output tokens before its first visible token. */
    public Turn withThinking(int tokens) {
        return new Turn(text, toolUses, stopReason, usage, tokens);
    }

    /** Visible output tokens: the scripted usage, or an estimate from the text and tool inputs. */
    public int visibleOutputTokens() {
        if (usage != null) {
            return usage.outputTokens();
        }
        int chars = text.length();
        for (ToolUse use : toolUses) {
            chars += use.name().length() + use.inputJson().length();
        }
        return Math.max(1, chars / 4);
    }

    /** All output tokens this turn costs: thinking plus visible. */
    public int outputTokens() {
        return thinkingTokens + visibleOutputTokens();
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

    /**
     * Token usage reported by the simulator.
     *
     * @param inputTokens input tokens, or {@link #MEASURED} to count them from the request
     */
    public record Usage(int inputTokens, int outputTokens, int cacheReadTokens, int cacheWriteTokens) {

        /** Input tokens counted from the request body, as for an unscripted usage. */
        public static final int MEASURED = -1;
    }
}
