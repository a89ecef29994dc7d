package dev.quarry.agent.plan;

import java.util.Optional;

/**
 * Turns the conversation so far into steps, runs them, and decides when the task is answered. A planner
 * holds no per-run state, so one instance serves every run of an agent.
 */
public interface Planner {

    /**
     * Advances the run by one round: one or more model calls and the steps they ask for.
     *
     * @return the final answer when this round produced one; empty to go on with another round
     */
    Optional<String> round(PlanningContext context);

    /** Native tool use: every tool call in one model turn runs in parallel. */
    static Planner toolUse() {
        return new ToolUsePlanner();
    }

    /** One model call plans the whole task as a dependency graph; see {@link GraphPlanner}. */
    static Planner graph() {
        return GraphPlanner.builder().build();
    }
}
