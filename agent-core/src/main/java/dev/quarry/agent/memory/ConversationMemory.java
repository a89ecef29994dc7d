package dev.quarry.agent.memory;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import java.util.Objects;

/**
 * How much of a conversation the model sees: a token budget for the history (the messages after the system
 * prompt). Before each planner call whose history is over it, the run compacts the history, in this order
 * and only as far as needed: old tool results are cleared (each replaced by a short note naming its step),
 * then the old turns are summarised by the agent's own model in one call (counted in the run's usage,
 * traced as purpose {@code summarise}). The system prompt, the last {@link Builder#keepLastTurns} turns and
 * every tool call with its result (a call is never left unanswered) are kept verbatim.
 *
 * <pre>{@code
 * Agent.builder().memory(ConversationMemory.withTokenBudget(8_000))
 * }</pre>
 */
public final class ConversationMemory {

    private final int maxHistoryTokens;
    private final int keepLastTurns;
    private final boolean summarise;
    private final TokenCountEstimator estimator;

    private ConversationMemory(Builder builder) {
        this.maxHistoryTokens = builder.maxHistoryTokens;
        this.keepLastTurns = builder.keepLastTurns;
        this.summarise = builder.summarise;
        this.estimator = builder.estimator;
    }

    /** A budget of {@code maxHistoryTokens}, keeping the last two turns, summarising when clearing is not enough. */
    public static ConversationMemory withTokenBudget(int maxHistoryTokens) {
        return builder().maxHistoryTokens(maxHistoryTokens).build();
    }

    /** A builder; the token budget is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The budget for the history, in tokens. */
    public int maxHistoryTokens() {
        return maxHistoryTokens;
    }

    /** How many of the last turns (a user message and everything after it) are always kept verbatim. */
    public int keepLastTurns() {
        return keepLastTurns;
    }

    /** Whether old turns are summarised when clearing old tool results is not enough. */
    public boolean summarise() {
        return summarise;
    }

    /** The estimated tokens of {@code messages}. */
    public int estimate(Iterable<ChatMessage> messages) {
        if (estimator != null) {
            return estimator.estimateTokenCountInMessages(messages);
        }
        int tokens = 0;
        for (ChatMessage message : messages) {
            tokens += 4 + (characters(message) + 3) / 4;
        }
        return tokens;
    }

    private static int characters(ChatMessage message) {
        return switch (message) {
            case UserMessage user ->
                user.hasSingleText()
                        ? user.singleText().length()
                        : user.toString().length();
            case AiMessage ai ->
                (ai.text() == null ? 0 : ai.text().length())
                        + (ai.hasToolExecutionRequests()
                                ? ai.toolExecutionRequests().stream()
                                        .mapToInt(r -> r.name().length()
                                                + (r.arguments() == null
                                                        ? 0
                                                        : r.arguments().length()))
                                        .sum()
                                : 0);
            case ToolExecutionResultMessage result ->
                result.text() == null ? 0 : result.text().length();
            default -> message.toString().length();
        };
    }

    /** Configures a {@link ConversationMemory}. */
    public static final class Builder {
        private int maxHistoryTokens;
        private int keepLastTurns = 2;
        private boolean summarise = true;
        private TokenCountEstimator estimator;

        private Builder() {}

        /** The budget for the history the model sees, in tokens (at least 100). */
        public Builder maxHistoryTokens(int tokens) {
            if (tokens < 100) {
                throw new IllegalArgumentException("maxHistoryTokens must be >= 100, was " + tokens);
            }
            this.maxHistoryTokens = tokens;
            return this;
        }

        /** The last turns kept verbatim (at least 1, the current task's; default 2). */
        public Builder keepLastTurns(int turns) {
            if (turns < 1) {
                throw new IllegalArgumentException("keepLastTurns must be >= 1, was " + turns);
            }
            this.keepLastTurns = turns;
            return this;
        }

        /** Whether old turns may be summarised by the model (default true); off, only tool results are cleared. */
        public Builder summarise(boolean summarise) {
            this.summarise = summarise;
            return this;
        }

        /**
         * How tokens are counted; default about four characters a token, plus four a message (Claude's
         * tokenizer is not public; an estimator from the model's provider is better where there is one).
         */
        public Builder tokenCountEstimator(TokenCountEstimator estimator) {
            this.estimator = Objects.requireNonNull(estimator, "estimator");
            return this;
        }

        /** @throws IllegalStateException when no token budget was given */
        public ConversationMemory build() {
            if (maxHistoryTokens == 0) {
                throw new IllegalStateException("a ConversationMemory needs maxHistoryTokens");
            }
            return new ConversationMemory(this);
        }
    }
}
