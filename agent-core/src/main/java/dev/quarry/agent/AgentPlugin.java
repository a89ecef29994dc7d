package dev.quarry.agent;

import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.schedule.StepInterceptor;
import java.util.List;

/**
 * A cross-cutting feature packaged for one builder call ({@link Agent.Builder#plugin}): the model
 * interceptors, step interceptors and listeners it needs, added in that order where each kind goes.
 * OpenTelemetry tracing is one ({@code quarry-agent-otel}).
 */
public interface AgentPlugin {

    /** Interceptors around every model call, outermost first. */
    default List<ModelInterceptor> modelInterceptors() {
        return List.of();
    }

    /** Interceptors around every tool call, outermost first. */
    default List<StepInterceptor> stepInterceptors() {
        return List.of();
    }

    /** Listeners of runs, steps and approvals. */
    default List<AgentListener> listeners() {
        return List.of();
    }
}
