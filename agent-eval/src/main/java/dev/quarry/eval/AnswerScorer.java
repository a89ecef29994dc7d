package dev.quarry.eval;

import java.util.List;

/** {@code answer}: the answer meets the case's expectation (exact, contains, regex, number, JSON). */
public final class AnswerScorer implements Scorer {

    @Override
    public String name() {
        return "answer";
    }

    @Override
    public List<Metric> score(EvalCase evalCase, CaseRun run) {
        if (evalCase.answer() instanceof EvalCase.AnswerCheck.Any) {
            return List.of();
        }
        boolean passed = evalCase.answer().matches(run.answer());
        return List.of(Metric.check(
                "answer",
                passed,
                "expected " + evalCase.answer().describe()
                        + (passed ? "" : "; got \"" + Reports.abbreviate(run.answer(), 300) + "\"")));
    }
}
