package dev.quarry.agent.durable;

/**
 * Serialises the appends of one run in a journal without one lock per run ever seen: a run id maps to one
 * of a fixed set of locks, so two runs rarely wait for each other and memory stays bounded.
 */
final class RunLocks {

    private static final int STRIPES = 64;

    private final Object[] locks = new Object[STRIPES];

    RunLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The lock of {@code runId}'s records. */
    Object of(String runId) {
        return locks[Math.floorMod(runId.hashCode(), STRIPES)];
    }
}
