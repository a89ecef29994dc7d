package dev.quarry.agent;

import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.tool.ToolException;
import java.util.Optional;

/**
 * A sub-agent's run failed: the step that called it fails with this message (the parent's model reads it,
 * as it reads any tool error), and the child's own error, with the child's partial result, is the cause.
 */
public final class SubAgentException extends ToolException {

    private final transient QuarryException childError;

    /** @param name the sub-agent's tool name */
    public SubAgentException(String name, QuarryException childError) {
        super("The sub-agent " + name + " failed: " + childError.getMessage(), false, childError);
        this.childError = childError;
    }

    /** The error that ended the child's run. */
    public QuarryException childError() {
        return childError;
    }

    /** What the child had done when it failed. */
    public Optional<AgentResult> partial() {
        return childError.partial(AgentResult.class);
    }
}
