package dev.quarry.agent.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One tool call in a plan. String values in {@code arguments} may refer to the result of a step this step
 * depends on, as {@code $id} or {@code ${id}}; the scheduler substitutes the result text before the call.
 *
 * @param id unique within a run
 * @param tool name of the tool to call
 * @param arguments JSON arguments, possibly with references
 * @param dependsOn ids of steps that must finish first
 * @param speculative started before anyone asked for it (see {@code dev.quarry.agent.Speculation}): it runs
 *     only on a free concurrency permit, never waiting for one
 */
public record Step(String id, String tool, ObjectNode arguments, List<String> dependsOn, boolean speculative) {

    public Step {
        Objects.requireNonNull(id, "step id");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(arguments, "arguments");
        dependsOn = List.copyOf(dependsOn);
        if (dependsOn.contains(id)) {
            throw new IllegalArgumentException("step " + id + " depends on itself");
        }
    }

    /** A step that is not speculative. */
    public Step(String id, String tool, ObjectNode arguments, List<String> dependsOn) {
        this(id, tool, arguments, dependsOn, false);
    }

    /** A step with no dependencies. */
    public static Step of(String id, String tool, ObjectNode arguments) {
        return new Step(id, tool, arguments, List.of());
    }

    /** A speculative step with no dependencies. */
    public static Step speculative(String id, String tool, ObjectNode arguments) {
        return new Step(id, tool, arguments, List.of(), true);
    }

    /** The same step calling its tool with {@code newArguments} (a guardrail's correction). */
    public Step withArguments(ObjectNode newArguments) {
        return new Step(id, tool, newArguments, dependsOn, speculative);
    }
}
