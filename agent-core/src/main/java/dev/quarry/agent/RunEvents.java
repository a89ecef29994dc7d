package dev.quarry.agent;

import dev.quarry.agent.guard.GuardrailCheck;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one run sends its {@link RunEvent}s: a sink that never throws into the run (a failing consumer is
 * logged and the run goes on), and the step listener that turns steps and approvals into events.
 */
final class RunEvents implements StepListener {

    private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);

    /** Sends nothing. */
    static final Consumer<RunEvent> NONE = event -> {};

    private final Consumer<RunEvent> sink;
    private final List<AgentListener> listeners;
    private final Map<String, Long> starts = new ConcurrentHashMap<>();

    /** @param listeners the agent's listeners, told of each step the model plans */
    RunEvents(Consumer<RunEvent> sink, List<AgentListener> listeners) {
        this.sink = sink;
        this.listeners = listeners;
    }

    /** The model call {@code plannedBy} planned {@code step}. */
    void stepPlanned(String runId, Step step, String plannedBy) {
        listeners.forEach(l -> l.onStepPlanned(runId, step, plannedBy));
        emit(new RunEvent.StepScheduled(runId, step.id(), step.tool(), plannedBy));
    }

    /** A guardrail gave its verdict. */
    void guardrail(String runId, GuardrailCheck check) {
        listeners.forEach(l -> l.onGuardrail(runId, check));
        emit(new RunEvent.GuardrailChecked(runId, check));
    }

    void emit(RunEvent event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            LOG.warn(
                    "a run event consumer failed on {}; the run goes on",
                    event.getClass().getSimpleName(),
                    e);
        }
    }

    @Override
    public void onStart(String runId, Step step) {
        starts.put(step.id(), System.nanoTime());
        emit(new RunEvent.StepStarted(runId, step.id(), step.tool()));
    }

    @Override
    public void onFinish(String runId, Step step, StepResult result) {
        Long start = starts.remove(step.id());
        Duration duration = start == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
        emit(new RunEvent.StepFinished(runId, result, duration));
    }

    @Override
    public void onApprovalRequested(String runId, ApprovalHandler.Request request) {
        emit(new RunEvent.ApprovalRequested(runId, request.stepId(), request.tool(), request.arguments()));
    }

    @Override
    public void onApprovalDecided(String runId, ApprovalHandler.Request request, ApprovalHandler.Decision decision) {
        emit(new RunEvent.ApprovalDecided(
                runId, request.stepId(), request.tool(), decision.approved(), decision.reason()));
    }
}
