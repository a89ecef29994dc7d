package dev.quarry.mcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Hears when the HTTP exchange that carried a call has ended, so that a call still running then (its client
 * disconnected, or the response ended without it) is cancelled instead of running on for nobody.
 */
final class ClientWatch {

    static final String ATTRIBUTE = "dev.quarry.mcp.watch";

    private final List<Runnable> onClose = new ArrayList<>();
    private boolean closed;

    /** Runs {@code action} when the exchange ends, or now if it has. */
    void onClose(Runnable action) {
        synchronized (this) {
            if (!closed) {
                onClose.add(action);
                return;
            }
        }
        action.run();
    }

    void closed() {
        List<Runnable> actions;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            actions = List.copyOf(onClose);
            onClose.clear();
        }
        actions.forEach(Runnable::run);
    }
}
