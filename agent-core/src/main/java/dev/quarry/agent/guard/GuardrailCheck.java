package dev.quarry.agent.guard;

import java.time.Duration;

/**
 * One guardrail's verdict in a run, as events, listeners, traces and OpenTelemetry spans show it.
 *
 * @param guardrail the guardrail's name
 * @param stage what it checked
 * @param stepId the step checked, empty for the input and the answer
 * @param verdict {@link Verdict#kind()}: pass, block, correct, replace, or {@code error} when it threw
 * @param reason why (empty for a pass)
 * @param startNanos when the check began, in nanoseconds since the run started
 * @param duration how long the check took
 */
public record GuardrailCheck(
        String guardrail,
        Stage stage,
        String stepId,
        String verdict,
        String reason,
        long startNanos,
        Duration duration) {}
