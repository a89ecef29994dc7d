package dev.quarry.agent;

import dev.quarry.agent.error.QuarryException;
import java.util.Optional;

/**
 * What one sub-agent step of a run did: the child's result (its partial result when it failed) and, when it
 * failed, the error that ended it. Listed in {@link AgentResult#subAgents()}.
 *
 * @param stepId the parent's step that ran the child
 * @param agent the sub-agent's tool name
 * @param result the child's result: its answer, steps, usage, trace and its own sub-agents
 * @param failure the child's error, or null when it answered
 */
public record SubAgentRun(String stepId, String agent, AgentResult result, QuarryException failure) {

    /** The child run's id: the parent's run id, a dot and {@link #stepId()}. */
    public String runId() {
        return result.runId();
    }

    /** The error that ended the child's run, if it failed. */
    public Optional<QuarryException> error() {
        return Optional.ofNullable(failure);
    }
}
