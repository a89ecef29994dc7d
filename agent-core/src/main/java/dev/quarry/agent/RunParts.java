package dev.quarry.agent;

import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The parts the agent's plugins take in one run ({@link AgentPlugin#startRun}), asked together. */
final class RunParts {

    private final List<AgentPlugin.RunPart> parts;

    /** The parts of {@code plugins} in the run, then the agent's own {@code builtIn} parts. */
    RunParts(List<AgentPlugin> plugins, AgentPlugin.RunStart run, List<AgentPlugin.RunPart> builtIn) {
        List<AgentPlugin.RunPart> all = new ArrayList<>();
        plugins.stream()
                .map(plugin -> plugin.startRun(run))
                .flatMap(Optional::stream)
                .forEach(all::add);
        all.addAll(builtIn);
        this.parts = List.copyOf(all);
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

    /** The tools the planner sees now: {@code tools} narrowed by each part in turn. */
    ToolRegistry visibleTools(ToolRegistry tools) {
        ToolRegistry visible = tools;
        for (AgentPlugin.RunPart part : parts) {
            visible = part.visibleTools(visible);
        }
        return visible;
    }

    List<StepInterceptor> stepInterceptors() {
        return parts.stream().flatMap(p -> p.stepInterceptor().stream()).toList();
    }

    /** Tells each part a round's results; a part may end the run by throwing. */
    void afterSteps(List<StepResult> results) {
        parts.forEach(p -> p.afterSteps(results));
    }

    /** Each part's review of the answer in turn; the first correction asked for stops the review. */
    AgentPlugin.AnswerReview reviewAnswer(String answer) {
        AgentPlugin.AnswerReview review = AgentPlugin.AnswerReview.accept(answer);
        for (AgentPlugin.RunPart part : parts) {
            review = part.reviewAnswer(review.answer());
            if (!review.accepted()) {
                return review;
            }
        }
        return review;
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
