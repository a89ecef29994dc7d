package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The {@link Speculation} of one run: its steps, and, as a step listener, which of them a later step asked
 * for (same tool, equal arguments as submitted) and which found no permit.
 */
final class RunSpeculation implements AgentPlugin.RunPart {

    private final List<Step> steps = new ArrayList<>();
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final Set<String> notRun = ConcurrentHashMap.newKeySet();

    RunSpeculation(Speculation speculation, String task, UnaryOperator<String> uniqueStepId) {
        for (ObjectNode arguments : speculation.predictionsFor(task)) {
            String id = uniqueStepId.apply(Speculation.STEP_PREFIX + (steps.size() + 1));
            steps.add(Step.speculative(id, speculation.toolName(), arguments));
        }
    }

    @Override
    public List<Step> steps() {
        return steps;
    }

    @Override
    public void onStart(String runId, Step started) {
        if (started.speculative()) {
            return;
        }
        for (Step step : steps) {
            if (step.tool().equals(started.tool()) && step.arguments().equals(started.arguments())) {
                used.add(step.id());
            }
        }
    }

    @Override
    public void onFinish(String runId, Step finished, StepResult result) {
        if (finished.speculative() && result.attempts() == 0 && !result.status().succeeded()) {
            notRun.add(finished.id());
        }
    }

    @Override
    public Speculation.Outcome speculation() {
        return new Speculation.Outcome(steps.size(), used.size(), notRun.size());
    }

    /** A speculative step's citations count only through the calls it served. */
    @Override
    public boolean keepsCitation(StepResult step, Citation citation, String answer) {
        return steps.stream().noneMatch(s -> s.id().equals(step.stepId()));
    }
}
