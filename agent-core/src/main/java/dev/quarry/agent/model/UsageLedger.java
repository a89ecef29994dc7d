package dev.quarry.agent.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The model accounting of one run: how many calls began (so concurrent calls cannot slip past the limit
 * together) and the usage of each call that finished. Thread-safe: tools call the model from their own
 * threads.
 */
public final class UsageLedger {

    private final List<Usage.Call> calls = new ArrayList<>();
    private int begun;
    private long tokens;

    /** Counts a call about to start; false (and not counted) when {@code max} calls have already begun. */
    synchronized boolean tryBegin(int max) {
        if (begun >= max) {
            return false;
        }
        begun++;
        return true;
    }

    synchronized void record(Usage.Call call) {
        calls.add(call);
        tokens += call.inputTokens() + call.outputTokens() + call.cacheReadTokens() + call.cacheWriteTokens();
    }

    /** Tokens of every finished call, cache included. */
    public synchronized long tokens() {
        return tokens;
    }

    /** Calls begun so far, finished or not. */
    public synchronized int begun() {
        return begun;
    }

    /** The usage of the calls finished so far. */
    public synchronized Usage usage() {
        return new Usage(calls);
    }
}
