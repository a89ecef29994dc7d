package dev.quarry.agent;

/**
 * Where a sub-agent's run sits in the run tree: the run and step that started it, its tool name, and how
 * deep it is (1 for a child of a run the application started).
 */
record Nesting(AgentRun parent, String stepId, String name, int depth) {

    /** The child run's id: the parent's run id, a dot and the step id, so a journal finds it again on resume. */
    String runId() {
        return parent.runId() + "." + stepId;
    }

    /** The chain of sub-agent names from the root run to this one, for messages. */
    String path() {
        String above = parent.tree().path();
        return above.isEmpty() ? name : above + " > " + name;
    }
}
