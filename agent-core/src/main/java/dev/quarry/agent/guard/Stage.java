package dev.quarry.agent.guard;

/** Where in a run a {@link Guardrail} looks. */
public enum Stage {
    /** The run's task, as the user gave it, checked beside the run's first model call. */
    INPUT("input"),
    /** A tool call's arguments, before the tool runs. */
    TOOL_ARGUMENTS("tool arguments"),
    /** A tool's result, before the model (or a later step) reads it. */
    TOOL_RESULT("tool result"),
    /** The run's answer, before the application gets it. */
    ANSWER("answer");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** The stage as messages name it ({@code "tool arguments"}). */
    public String label() {
        return label;
    }
}
