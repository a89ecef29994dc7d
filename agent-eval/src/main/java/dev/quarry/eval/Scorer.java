package dev.quarry.eval;

import java.util.List;

/**
 * Scores runs of cases: the SPI every metric comes from. Built in: {@link AnswerScorer},
 * {@link TrajectoryScorer}, {@link CitationScorer}, {@link CostScorer} and {@link JudgeScorer}. A scorer that
 * throws gives an {@link Metric.Verdict#ERROR} metric named after it, so the case is not counted as passed;
 * the evaluation goes on. Scorers run on the evaluation's threads, several at once: keep them thread-safe.
 */
public interface Scorer {

    /** The scorer's name, for the metric that reports its failure. */
    String name();

    /** The metrics of one answered run; empty when the case asks nothing this scorer checks. */
    List<Metric> score(EvalCase evalCase, CaseRun run) throws Exception;
}
