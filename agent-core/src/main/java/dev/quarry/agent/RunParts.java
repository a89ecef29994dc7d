package dev.quarry.agent;

import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Citation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The parts the agent's plugins take in one run ({@link AgentPlugin#startRun}), asked together. */
final class RunParts {

    private final List<AgentPlugin.RunPart> parts;

    RunParts(List<AgentPlugin> plugins, AgentPlugin.RunStart run) {
        this.parts = plugins.stream()
                .map(plugin -> plugin.startRun(run))
                .flatMap(Optional::stream)
                .toList();
    }

    /** The run's step listeners: the parts first (told before anyone else), then {@code others}. */
    List<StepListener> listenersWith(StepListener... others) {
        List<StepListener> listeners = new ArrayList<>(parts);
        listeners.addAll(List.of(others));
        return listeners;
    }

    /** Submits each part's own steps to the run's scheduler, remembered in the run's record. */
    void submitSteps(StepScheduler.Run steps, RunSteps record) {
        for (AgentPlugin.RunPart part : parts) {
            part.submitted(part.steps().stream()
                    .map(step -> record.remember(steps.submit(step)))
                    .toList());
        }
    }

    List<ModelInterceptor> modelInterceptors() {
        return parts.stream().flatMap(p -> p.modelInterceptor().stream()).toList();
    }

    /** Lets each part finish what the result needs (a step of its own to be recorded). */
    void beforeResult() {
        parts.forEach(AgentPlugin.RunPart::beforeResult);
    }

    boolean keepsCitation(StepResult step, Citation citation, String answer) {
        return parts.stream().allMatch(p -> p.keepsCitation(step, citation, answer));
    }

    Speculation.Outcome speculation() {
        return parts.stream()
                .map(AgentPlugin.RunPart::speculation)
                .filter(outcome -> !outcome.equals(Speculation.Outcome.NONE))
                .findFirst()
                .orElse(Speculation.Outcome.NONE);
    }
}
