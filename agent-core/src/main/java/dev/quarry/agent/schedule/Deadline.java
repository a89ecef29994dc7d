package dev.quarry.agent.schedule;

import dev.quarry.agent.error.DeadlineExceededException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The instant a run must have answered by, on a monotonic clock. One deadline belongs to each run; the
 * scheduler, the model chain and the run loop all ask this object, so "has it passed?" has one answer at
 * any moment and never goes back to "no".
 *
 * <p>The clock is {@link System#nanoTime()} unless a test supplies its own.
 */
public final class Deadline {

    private final LongSupplier clock;
    private final long atNanos;
    private final Duration length;

    private Deadline(LongSupplier clock, Duration length) {
        this.clock = clock;
        this.length = length;
        this.atNanos = clock.getAsLong() + length.toNanos();
    }

    /** A deadline {@code length} from now on the system's monotonic clock. */
    public static Deadline after(Duration length) {
        return after(length, System::nanoTime);
    }

    /** A deadline {@code length} from now on {@code nanoClock} (a monotonic nanosecond clock). */
    public static Deadline after(Duration length, LongSupplier nanoClock) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a deadline must be in the future, was " + length);
        }
        return new Deadline(nanoClock, length);
    }

    /**
     * The earlier of this deadline and {@code length} from now, on the same clock: the deadline of a run
     * nested inside this one (a sub-agent), which can shorten its parent's deadline but never extend it.
     */
    public Deadline within(Duration length) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a deadline must be in the future, was " + length);
        }
        long own = clock.getAsLong() + length.toNanos();
        return own - atNanos >= 0 ? this : new Deadline(clock, length);
    }

    /** How long the run was given. */
    public Duration length() {
        return length;
    }

    /** Nanoseconds left, 0 once passed. */
    public long remainingNanos() {
        return Math.max(0, atNanos - clock.getAsLong());
    }

    /** Whether the deadline has passed. */
    public boolean passed() {
        return atNanos - clock.getAsLong() <= 0;
    }

    /**
     * Throws when the deadline has passed.
     *
     * @param doing what the run was doing, for the message
     */
    public void check(String doing) {
        if (passed()) {
            throw exceeded(doing);
        }
    }

    /** The error for a run that passed this deadline while {@code doing}. */
    public DeadlineExceededException exceeded(String doing) {
        return new DeadlineExceededException("the run passed its deadline of " + length.toMillis() + " ms " + doing
                + "; raise Limits.deadline or make the task smaller");
    }
}
