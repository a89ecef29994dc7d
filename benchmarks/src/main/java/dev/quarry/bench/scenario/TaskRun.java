package dev.quarry.bench.scenario;

/**
 * What one contender did on one task at one sweep point. Times are in unscaled seconds: measured time
 * divided by the benchmark's common time scale.
 *
 * @param contender who ran it
 * @param speed model speed relative to the baseline
 * @param thinkingTokens R, the reasoning preamble of every turn
 * @param taskId the task's id in its scenario
 * @param calls tool calls the task needs
 * @param wallSeconds from the call to the answer
 * @param firstTokenSeconds from the call to the answer's first token (the wall time when not streamed)
 * @param criticalPathSeconds the heaviest chain of the work it did (see {@link CriticalPath})
 * @param modelCalls requests the simulator received for this task
 * @param inputTokens input tokens of those requests, counted from what was sent (cached ones included)
 * @param cacheReadTokens of those, the tokens read from the prompt cache
 * @param outputTokens output tokens of the replies, thinking included
 * @param toolCalls tool executions
 * @param problem null when the run kept the fairness contract and answered right; otherwise what went wrong
 */
public record TaskRun(
        Contender contender,
        double speed,
        int thinkingTokens,
        String taskId,
        int calls,
        double wallSeconds,
        double firstTokenSeconds,
        double criticalPathSeconds,
        int modelCalls,
        long inputTokens,
        long cacheReadTokens,
        long outputTokens,
        int toolCalls,
        String problem) {

    /** Wall time over critical path. */
    public double wallOverCriticalPath() {
        return criticalPathSeconds > 0 ? wallSeconds / criticalPathSeconds : Double.NaN;
    }
}
