package dev.quarry.agent.durable;

import java.util.List;
import java.util.Optional;

/**
 * Durable storage of run journals: per run id, an ordered list of records (each one JSON document written
 * by the agent). The agent appends the task, each model response and each step's outcome as they happen,
 * and reads them back to resume a run ({@code Agent.resume}) or continue one that waits for approval
 * ({@code Agent.approve}). Implementations store records; they never interpret them.
 *
 * <p>Implementations must be thread-safe (steps of one run finish in parallel) and durable: when
 * {@link #append} returns, the record survives a crash of the process.
 *
 * @see FileJournal
 * @see JdbcJournal
 */
public interface RunJournal {

    /**
     * Appends one record to the run's journal and returns once it is durable.
     *
     * @throws dev.quarry.agent.error.JournalException when it cannot be written
     */
    void append(String runId, String record);

    /**
     * The run's records in the order they were appended; empty for an unknown run. A record cut short by a
     * crash while it was written (a torn tail) is left out.
     *
     * @throws dev.quarry.agent.error.JournalException when a complete record is damaged
     */
    List<String> read(String runId);

    /** The ids of every run in the journal, oldest first where the store can tell. */
    List<String> runIds();

    /**
     * Holds the run for one continuation at a time until the lease is closed: {@code Agent.approve} takes it
     * before it reads the run's decisions and keeps it while the run continues, so two approvals of one run
     * (two threads, or two processes where the journal can tell) act once. This default covers this JVM only;
     * {@link FileJournal} also locks a file, which covers every process sharing the folder.
     *
     * @throws dev.quarry.agent.error.JournalException when the lease cannot be taken
     */
    default Lease lease(String runId) {
        return RunLeases.SHARED.lease(runId);
    }

    /**
     * Holds a run while it runs on this instance, so that no other instance takes it over as an orphan;
     * {@link JdbcJournal} takes its lease (refused when another instance holds the run). The default holds
     * nothing: journals without leases across instances leave resuming to {@code Agent.resume}.
     */
    default Lease hold(String runId) {
        return () -> {};
    }

    /**
     * The run, held for this instance, when no live instance holds it: a run whose instance stopped
     * heartbeating. Empty when one does (or the journal has no leases across instances, the default).
     */
    default Optional<Lease> takeOrphan(String runId) {
        return Optional.empty();
    }

    /** A run held by {@link #lease}; closing it lets the next holder in. */
    interface Lease extends AutoCloseable {
        /** Releases the run. */
        @Override
        void close();
    }
}
