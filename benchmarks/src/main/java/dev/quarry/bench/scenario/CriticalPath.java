package dev.quarry.bench.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The critical path of a task run: the heaviest chain of work intervals (model turns at their simulated
 * latency, tool calls as they ran) in which each interval starts after the previous one ended. No schedule of
 * that same work can finish sooner, so wall time divided by it measures the waiting a framework adds on top
 * of the work it chose to do.
 *
 * <p>A streamed model turn is divisible: a tool that started while the turn was still being written may
 * follow the part of the turn written before it started (its call was in that part), so a chain may run
 * "model until t, then the tool started at t". A dispatch lag between a call being written and its tool
 * starting therefore counts as work, not as waiting; the figure shows waiting between steps, not
 * inside the stream.
 */
public final class CriticalPath {

    private CriticalPath() {}

    /**
     * A span of work in {@link System#nanoTime()} units.
     *
     * @param divisible a streamed model turn, whose prefix a later interval may follow
     */
    public record Interval(long start, long end, boolean divisible) {
        public Interval {
            if (end < start) {
                throw new IllegalArgumentException("interval ends before it starts");
            }
        }

        long length() {
            return end - start;
        }
    }

    /** Total length of the heaviest chain; 0 for no intervals. */
    public static long of(List<Interval> intervals) {
        List<Interval> byEnd = new ArrayList<>(intervals);
        byEnd.sort(Comparator.comparingLong(Interval::end));
        long[] best = new long[byEnd.size()];
        long heaviest = 0;
        for (int i = 0; i < byEnd.size(); i++) {
            Interval current = byEnd.get(i);
            long before = 0;
            for (int j = 0; j < i; j++) {
                Interval earlier = byEnd.get(j);
                if (earlier.end() <= current.start()) {
                    before = Math.max(before, best[j]);
                }
            }
            for (int j = 0; j < byEnd.size(); j++) {
                Interval turn = byEnd.get(j);
                if (j != i && turn.divisible() && turn.start() < current.start() && current.start() < turn.end()) {
                    // intervals that end before the turn starts also end before this one, so are computed
                    before = Math.max(before, chainBefore(byEnd, best, turn) + (current.start() - turn.start()));
                }
            }
            best[i] = before + current.length();
            heaviest = Math.max(heaviest, best[i]);
        }
        return heaviest;
    }

    private static long chainBefore(List<Interval> byEnd, long[] best, Interval turn) {
        long before = 0;
        for (int k = 0; k < byEnd.size(); k++) {
            if (byEnd.get(k).end() <= turn.start()) {
                before = Math.max(before, best[k]);
            }
        }
        return before;
    }
}
