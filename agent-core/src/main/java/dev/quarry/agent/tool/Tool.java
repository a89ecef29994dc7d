package dev.quarry.agent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;

/**
 * Something an agent can do: a name and JSON schema the model sees (a langchain4j {@link ToolSpecification}),
 * a {@link ToolPolicy} the scheduler obeys, and {@link #execute}. Arguments are validated against the schema
 * before {@code execute} is called. Implementations must be thread-safe: the scheduler runs calls
 * concurrently, each on its own virtual thread, and interrupts a call that passes its timeout.
 *
 * <p>Methods annotated with langchain4j's {@code @Tool} become tools through {@link AnnotatedTools}.
 */
public interface Tool {

    /** The name, description and parameter schema shown to the model. */
    ToolSpecification specification();

    /**
     * How the scheduler must treat calls of this tool. By default a tool counts as side-effecting: it runs
     * only after approval and is never retried. A tool that only reads returns {@link ToolPolicy#readOnly()}.
     */
    default ToolPolicy policy() {
        return ToolPolicy.sideEffects();
    }

    /** The tool's name, unique within an agent. */
    default String name() {
        return specification().name();
    }

    /**
     * Runs one call. Throw {@link ToolException} for a failure the model should read (its message is sent
     * to the model); any other exception is reported to the model as an error too.
     */
    ToolResult execute(ObjectNode arguments, ToolContext context) throws Exception;

    /** A tool from its specification, policy and body, for tools that need no class of their own. */
    static Tool of(ToolSpecification specification, ToolPolicy policy, Body body) {
        return new FunctionTool(specification, policy, body);
    }

    /** What a tool made with {@link #of} does when called; the contract of {@link Tool#execute}. */
    @FunctionalInterface
    interface Body {
        /** Runs one call with arguments that passed the schema; an exception fails the step with its message. */
        ToolResult execute(ObjectNode arguments, ToolContext context) throws Exception;
    }
}
