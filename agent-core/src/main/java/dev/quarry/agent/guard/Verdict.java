package dev.quarry.agent.guard;

import java.util.Objects;

/**
 * What a {@link Guardrail} decided about one text: let it through, block the run, ask the model to correct
 * itself, or let a changed text through (a redaction).
 */
public sealed interface Verdict {

    /** The verdict's name in events, traces and spans: {@code pass}, {@code block}, {@code correct}, {@code replace}. */
    String kind();

    /** Why, for blocks, corrections and replacements; empty for a pass. */
    String reason();

    /** Lets the text through unchanged. */
    static Verdict pass() {
        return Pass.INSTANCE;
    }

    /**
     * Ends the run with a {@link dev.quarry.agent.error.GuardrailException}; nothing after the checked point
     * runs (the tool is not called, the model is not called again, the answer is not returned).
     */
    static Verdict block(String reason) {
        return new Block(reason);
    }

    /**
     * Sends {@code reason} to the model and lets it try again: an answer is written again, a tool call
     * with refused arguments fails with the reason, a refused tool result is withheld. An input cannot be
     * corrected by the model, so there it blocks. Bounded per run ({@code Agent.Builder.maxGuardrailCorrections}).
     */
    static Verdict correct(String reason) {
        return new Correct(reason);
    }

    /** Lets {@code text} through instead of the checked text (a redacted result or answer). */
    static Verdict replace(String text, String reason) {
        return new Replace(text, reason);
    }

    /** The text passes. */
    record Pass() implements Verdict {
        static final Pass INSTANCE = new Pass();

        @Override
        public String kind() {
            return "pass";
        }

        @Override
        public String reason() {
            return "";
        }
    }

    /** The run ends. */
    record Block(String reason) implements Verdict {
        public Block {
            requireReason(reason);
        }

        @Override
        public String kind() {
            return "block";
        }
    }

    /** The model is told why and tries again. */
    record Correct(String reason) implements Verdict {
        public Correct {
            requireReason(reason);
        }

        @Override
        public String kind() {
            return "correct";
        }
    }

    /** The text is replaced. */
    record Replace(String text, String reason) implements Verdict {
        public Replace {
            Objects.requireNonNull(text, "text");
            requireReason(reason);
        }

        @Override
        public String kind() {
            return "replace";
        }
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a guardrail verdict other than pass needs a reason");
        }
    }
}
