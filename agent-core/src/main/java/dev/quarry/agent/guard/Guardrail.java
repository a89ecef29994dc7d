package dev.quarry.agent.guard;

import dev.quarry.agent.schedule.StepResult;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An application's own check on a run: of its input, of a tool call's arguments, of a tool's result or of
 * the answer. Add one with {@code Agent.Builder.guardrail}; it runs on the run's model and step chains.
 *
 * <pre>{@code
 * Guardrail noDrop = Guardrail.of("no-drop", Set.of(Stage.TOOL_ARGUMENTS), subject ->
 *         subject.text().contains("DROP TABLE") ? Verdict.block("SQL that drops tables") : Verdict.pass());
 * }</pre>
 *
 * <p>A check that throws is a failed check: the run ends with a
 * {@link dev.quarry.agent.error.GuardrailException} naming the guardrail, never a silent pass. Checks run
 * on the run's threads (tool checks on the step's thread, several at once): keep them quick and
 * thread-safe.
 */
public interface Guardrail {

    /** The name verdicts, errors, events and traces carry. */
    String name();

    /** The stages this guardrail checks. */
    Set<Stage> stages();

    /** Decides about one text. */
    Verdict check(Subject subject) throws Exception;

    /** A guardrail from a name, its stages and a function. */
    static Guardrail of(String name, Set<Stage> stages, Check check) {
        Objects.requireNonNull(check, "check");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a guardrail needs a name");
        }
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("guardrail " + name + " checks no stage");
        }
        Set<Stage> copy = Set.copyOf(stages);
        return new Guardrail() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<Stage> stages() {
                return copy;
            }

            @Override
            public Verdict check(Subject subject) throws Exception {
                return check.check(subject);
            }
        };
    }

    /** The check of {@link #of}. */
    @FunctionalInterface
    interface Check {
        /** Decides about one text. */
        Verdict check(Subject subject) throws Exception;
    }

    /**
     * What is checked.
     *
     * @param stage where in the run
     * @param runId the run
     * @param text the task, the arguments as a JSON object, the tool's result text, or the answer
     * @param tool the tool called, empty for the input and the answer
     * @param stepId the step, empty for the input and the answer
     * @param steps the run's finished steps so far (for an answer check: every step of the run)
     */
    record Subject(Stage stage, String runId, String text, String tool, String stepId, List<StepResult> steps) {
        public Subject {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(text, "text");
            tool = tool == null ? "" : tool;
            stepId = stepId == null ? "" : stepId;
            steps = List.copyOf(steps);
        }
    }
}
