package dev.quarry.agent.schedule;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tool attempts of one run whose threads have not ended yet, per step. An attempt counts until its
 * thread really ends, not when its timeout passes, so retries and the run's close can tell a tool that
 * ignored its interruption from one that stopped.
 */
final class RunningAttempts {

    private final Map<String, Integer> byStep = new HashMap<>();
    private int total;

    synchronized void started(String stepId) {
        byStep.merge(stepId, 1, Integer::sum);
        total++;
    }

    synchronized void ended(String stepId) {
        byStep.computeIfPresent(stepId, (id, n) -> n == 1 ? null : n - 1);
        total--;
        notifyAll();
    }

    /** Waits until no attempt of this step runs or {@code nanos} pass; true when none runs. */
    synchronized boolean awaitStepEnded(String stepId, long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        while (byStep.containsKey(stepId)) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Attempts of the run still running. */
    synchronized int total() {
        return total;
    }

    /** Waits until no attempt runs or {@code nanos} pass; true when none runs. */
    synchronized boolean awaitNone(long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        while (total > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
