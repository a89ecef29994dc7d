package dev.quarry.agent;

import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.SharedBudget;
import dev.quarry.agent.model.UsageLedger;
import dev.quarry.agent.schedule.Deadline;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.tool.ToolResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where one run sits in a tree of sub-agent runs, and what its own sub-agents did: the deadline and budgets
 * it inherits, the tools as its steps call them (each {@link SubAgent} bound to this run), the sub-agent runs
 * its steps started, and whether a step handed the run off.
 */
final class RunTree {

    private final AgentRun run;
    private final Nesting nesting;
    private final int maxDepth;
    private final List<ModelInterceptor> inherited;
    private final List<ModelInterceptor> forChildren;
    private final Set<String> handoffs;
    private final List<SubAgentRun> subAgents = Collections.synchronizedList(new ArrayList<>());

    /** The tree position of {@code run} of {@code agent}; {@code nesting} is null for a run the application started. */
    RunTree(AgentRun run, Agent agent, UsageLedger ledger, ToolRegistry tools, Nesting nesting) {
        this.run = run;
        this.nesting = nesting;
        this.maxDepth =
                nesting == null ? agent.maxSubAgentDepth() : nesting.parent().tree().maxDepth;
        this.inherited = nesting == null ? List.of() : nesting.parent().tree().forChildren;
        List<ModelInterceptor> budgets = new ArrayList<>(inherited);
        budgets.add(new SharedBudget(
                run.runId(),
                ledger,
                agent.limits().maxModelCalls(),
                agent.limits().tokenBudget()));
        this.forChildren = List.copyOf(budgets);
        this.handoffs = tools.names().stream()
                .filter(name -> tools.find(name).orElseThrow() instanceof SubAgent s && s.isHandoff())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The run's deadline: its own, or the earlier of its own and its parent's when it is a sub-agent's. */
    Deadline deadline(Agent agent) {
        return nesting == null
                ? Deadline.after(agent.limits().deadline())
                : nesting.parent().deadline().within(agent.limits().deadline());
    }

    /** The budgets of the runs this one is nested in, outermost first: checked before each of its model calls. */
    List<ModelInterceptor> enclosingBudgets() {
        return inherited;
    }

    /** Puts the run's trace under the parent's step, when it is a sub-agent's run. */
    void nestTrace() {
        if (nesting != null) {
            nesting.parent().trace().nest(nesting.stepId(), run.trace());
        }
    }

    /** The tools as the run's steps call them: a sub-agent runs nested in this run. */
    ToolRegistry bind(ToolRegistry registered) {
        List<Tool> bound = new ArrayList<>();
        for (String name : registered.names()) {
            Tool tool = registered.find(name).orElseThrow();
            bound.add(tool instanceof SubAgent subAgent ? subAgent.within(run) : tool);
        }
        return new ToolRegistry(bound);
    }

    /** How deep the run is nested: 0 for a run the application started. */
    int depth() {
        return nesting == null ? 0 : nesting.depth();
    }

    /** The sub-agent names from the root run to this run ("" for the root). */
    String path() {
        return nesting == null ? "" : nesting.path();
    }

    /**
     * Runs step {@code stepId}'s sub-agent on {@code task}, nested in this run, and records what its run did
     * (its partial result too, when it fails).
     *
     * @throws SubAgentException when the child's run fails: the step fails with its message
     * @throws ToolException when the child stopped to wait for approval, which a nested run cannot
     */
    ToolResult runSubAgent(SubAgent subAgent, String task, String stepId) throws ToolException {
        Nesting child = new Nesting(run, stepId, subAgent.name(), depth() + 1);
        run.events().emit(new RunEvent.SubAgentStarted(run.runId(), stepId, subAgent.name(), child.runId()));
        AgentResult result;
        try {
            result = subAgent.agent().runNested(task, child, maxDepth, subAgent.answer());
        } catch (QuarryException e) {
            e.partial(AgentResult.class)
                    .ifPresent(partial -> subAgents.add(new SubAgentRun(stepId, subAgent.name(), partial, e)));
            throw new SubAgentException(subAgent.name(), e);
        }
        subAgents.add(new SubAgentRun(stepId, subAgent.name(), result, null));
        if (result.waitingForApproval()) {
            throw new ToolException("The sub-agent " + subAgent.name() + " stopped to wait for approval of "
                    + result.waiting().size() + " call(s); a sub-agent cannot suspend its parent's run: give it"
                    + " an approval handler that decides (or blocks until a person does)");
        }
        return ToolResult.of(result.answer(), result.citations());
    }

    /** What the run's sub-agents did, in the order they ended. */
    List<SubAgentRun> subAgents() {
        return List.copyOf(subAgents);
    }

    /** Ends the run with a handoff's answer when one of these results is a handoff step that succeeded. */
    void checkHandoff(List<StepResult> results) {
        for (StepResult result : results) {
            if (result.status().succeeded() && handoffs.contains(result.tool())) {
                throw new HandedOff(result);
            }
        }
    }

    /**
     * Thrown out of the planner when a handoff step succeeded: the run ends with that sub-agent's answer and
     * makes no further model call.
     */
    static final class HandedOff extends RuntimeException {
        private final transient StepResult result;

        private HandedOff(StepResult result) {
            super("the run handed off to " + result.tool(), null, false, false);
            this.result = result;
        }

        /** The answer of the sub-agent the run handed off to, recorded as the run's answer in its trace. */
        String answer(dev.quarry.agent.trace.Trace trace) {
            trace.answeredBy(result.tool());
            return result.text();
        }
    }
}
