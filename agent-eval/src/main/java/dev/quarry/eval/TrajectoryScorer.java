package dev.quarry.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The run's tool calls against the case's expected calls: {@code trajectory_recall} (expected calls made),
 * {@code trajectory_precision} (calls made that were expected) and the check {@code trajectory} (every expected
 * call made, in order when asked, and no other call when the case says {@code exactly}). Each expected call
 * is matched to one call made, the first that fits (after the previous match when ordered).
 */
public final class TrajectoryScorer implements Scorer {

    @Override
    public String name() {
        return "trajectory";
    }

    @Override
    public List<Metric> score(EvalCase evalCase, CaseRun run) {
        if (evalCase.calls().isEmpty() || run.result().isEmpty()) {
            return List.of();
        }
        List<ToolCalls.Call> made = ToolCalls.of(run.result().get());
        boolean[] used = new boolean[made.size()];
        List<String> missing = new ArrayList<>();
        int matched = 0;
        int after = 0;
        for (EvalCase.ExpectedCall expected : evalCase.calls()) {
            int found = -1;
            for (int i = evalCase.callsOrdered() ? after : 0; i < made.size(); i++) {
                if (!used[i] && expected.matches(made.get(i).tool(), made.get(i).arguments())) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                missing.add(expected.describe());
            } else {
                used[found] = true;
                matched++;
                after = found + 1;
            }
        }
        int expectedCount = evalCase.calls().size();
        double recall = matched / (double) expectedCount;
        double precision = made.isEmpty() ? 0 : matched / (double) made.size();
        boolean passed = missing.isEmpty() && (!evalCase.callsExactly() || made.size() == expectedCount);
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < made.size(); i++) {
            if (!used[i]) {
                extra.add(made.get(i).describe());
            }
        }
        String detail = (missing.isEmpty() ? "" : "missing " + missing + "; ")
                + (extra.isEmpty() ? "" : "not expected " + Reports.abbreviate(extra.toString(), 400) + "; ")
                + matched + " of " + expectedCount + " expected calls in " + made.size() + " made"
                + (evalCase.callsOrdered() ? ", in order" : "")
                + (evalCase.callsExactly() ? ", exactly" : ", at least");
        return List.of(
                Metric.check("trajectory", passed, detail),
                Metric.figure("trajectory_recall", recall),
                Metric.figure("trajectory_precision", precision));
    }
}
