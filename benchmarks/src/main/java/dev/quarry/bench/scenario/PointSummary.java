package dev.quarry.bench.scenario;

import dev.quarry.bench.Percentiles;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * One contender at one sweep point, summarised over its task runs.
 *
 * @param contender who ran
 * @param speed model speed relative to the baseline
 * @param thinkingTokens R
 * @param tasks task runs
 * @param medianWall median wall seconds per task (unscaled)
 * @param p90Wall 90th percentile wall seconds (unscaled)
 * @param medianFirstToken median seconds to the answer's first token (unscaled)
 * @param modelCalls mean model calls per task
 * @param inputTokens mean input tokens per task
 * @param cacheReadTokens mean input tokens per task read from the prompt cache
 * @param outputTokens mean output tokens per task
 * @param wallOverCriticalPath median of wall / critical path
 * @param medianCriticalPath median critical path, in seconds
 * @param problems runs that broke the contract or answered wrong
 */
public record PointSummary(
        Contender contender,
        double speed,
        int thinkingTokens,
        int tasks,
        double medianWall,
        double p90Wall,
        double medianFirstToken,
        double modelCalls,
        double inputTokens,
        double cacheReadTokens,
        double outputTokens,
        double wallOverCriticalPath,
        double medianCriticalPath,
        long problems) {

    /** Summarises runs that all belong to one contender and point. */
    public static PointSummary of(List<TaskRun> runs) {
        TaskRun first = runs.getFirst();
        for (TaskRun run : runs) {
            if (run.contender() != first.contender()
                    || run.speed() != first.speed()
                    || run.thinkingTokens() != first.thinkingTokens()) {
                throw new IllegalArgumentException("runs of different points cannot be summarised together");
            }
        }
        return new PointSummary(
                first.contender(),
                first.speed(),
                first.thinkingTokens(),
                runs.size(),
                percentile(runs, TaskRun::wallSeconds, 0.5),
                percentile(runs, TaskRun::wallSeconds, 0.9),
                percentile(runs, TaskRun::firstTokenSeconds, 0.5),
                mean(runs, TaskRun::modelCalls),
                mean(runs, TaskRun::inputTokens),
                mean(runs, TaskRun::cacheReadTokens),
                mean(runs, TaskRun::outputTokens),
                percentile(runs, TaskRun::wallOverCriticalPath, 0.5),
                percentile(runs, TaskRun::criticalPathSeconds, 0.5),
                runs.stream().map(TaskRun::problem).filter(Objects::nonNull).count());
    }

    /** Nearest-rank percentile. */
    static double percentile(List<TaskRun> runs, ToDoubleFunction<TaskRun> value, double quantile) {
        return Percentiles.nearestRank(runs.stream().mapToDouble(value).toArray(), quantile);
    }

    private static double mean(List<TaskRun> runs, ToDoubleFunction<TaskRun> value) {
        return runs.stream().mapToDouble(value).average().orElse(Double.NaN);
    }
}
