package dev.quarry.agent.durable;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-JVM half of {@link RunJournal#lease}: one of a fixed set of locks per run id, held by the thread that
 * continues the run until it closes the lease (a run id rarely shares its lock with another run's).
 */
final class RunLeases {

    /** The leases of every journal in this JVM. */
    static final RunLeases SHARED = new RunLeases();

    private static final int STRIPES = 64;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    private RunLeases() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Waits until this JVM holds the run, then holds it until the lease is closed. */
    RunJournal.Lease lease(String runId) {
        ReentrantLock lock = locks[Math.floorMod(runId.hashCode(), STRIPES)];
        lock.lock();
        return lock::unlock;
    }
}
