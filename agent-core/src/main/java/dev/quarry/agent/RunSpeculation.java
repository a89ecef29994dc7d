package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Speculation} of one run: its steps, and, as a step listener, which of them a later step asked
 * for (same tool, equal arguments as submitted) and which found no permit.
 */
final class RunSpeculation implements StepListener {

    private final List<Step> steps = new ArrayList<>();
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final Set<String> notRun = ConcurrentHashMap.newKeySet();

    RunSpeculation(Speculation speculation, String task, RunSteps record) {
        for (ObjectNode arguments : speculation.predictionsFor(task)) {
            String id = record.uniqueId(Speculation.STEP_PREFIX + (steps.size() + 1));
            steps.add(Step.speculative(id, speculation.toolName(), arguments));
        }
    }

    List<Step> steps() {
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

    Speculation.Outcome outcome() {
        return new Speculation.Outcome(steps.size(), used.size(), notRun.size());
    }

    boolean isStep(String stepId) {
        return steps.stream().anyMatch(step -> step.id().equals(stepId));
    }
}
