package dev.quarry.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Keeps the sessions of one MCP server over HTTP within bounds: at most {@link McpHttpOptions#maxSessions()}
 * at once (one more initialize is answered 503), and a session with nothing in flight for
 * {@link McpHttpOptions#sessionIdleTimeout()} is forgotten (its next request is answered 404, which tells an
 * MCP client to initialize again). Every request also gets a {@link ClientWatch} that hears when its
 * connection ends or the client sends {@code notifications/cancelled} for it, so a call nobody waits for
 * any more is cancelled.
 */
final class McpSessionLimits {

    static final String SESSION_HEADER = "Mcp-Session-Id";

    private final int maxSessions;
    private final long idleNanos;
    private final LongSupplier clock;
    private final Map<String, Activity> sessions = new ConcurrentHashMap<>();
    /** The watch of each request in flight, by session id and JSON-RPC id, for notifications/cancelled. */
    private final Map<String, ClientWatch> calls = new ConcurrentHashMap<>();

    McpSessionLimits(McpHttpOptions options, LongSupplier clock) {
        this.maxSessions = options.maxSessions();
        this.idleNanos = options.sessionIdleTimeout().toNanos();
        this.clock = clock;
    }

    /** How many sessions are open now. */
    int open() {
        expireIdle();
        return sessions.size();
    }

    /**
     * Answers one request within the bounds, or passes it on.
     *
     * @param message the JSON-RPC message of a POST, or null (GET, DELETE, a batch, a body that is not JSON)
     */
    void handle(HttpServletRequest request, HttpServletResponse response, JsonNode message, FilterChain chain)
            throws IOException, ServletException {
        String method = message == null ? null : message.get("method").asText();
        ClientWatch watch = new ClientWatch();
        request.setAttribute(ClientWatch.ATTRIBUTE, watch);
        if ("initialize".equals(method)) {
            synchronized (this) {
                if (open() >= maxSessions) {
                    McpHttpGuard.refuse(
                            response,
                            503,
                            "Too many sessions (" + maxSessions + " open): close one"
                                    + " with DELETE or try again later");
                    return;
                }
                // reserves the place until the session id is known, so two initializes cannot both take the last one
                sessions.put(reservation(request), new Activity(clock.getAsLong()));
            }
            try {
                chain.doFilter(request, response);
            } finally {
                sessions.remove(reservation(request));
            }
            String id = response.getHeader(SESSION_HEADER);
            if (id != null) {
                sessions.put(id, new Activity(clock.getAsLong()));
            }
            return;
        }
        String id = request.getHeader(SESSION_HEADER);
        Activity activity = id == null ? null : sessions.get(id);
        if (id != null && activity == null) {
            chain.doFilter(request, response); // not one of ours (or already gone): the protocol layer answers
            return;
        }
        if (activity != null && activity.idle(clock.getAsLong(), idleNanos)) {
            sessions.remove(id, activity);
            McpHttpGuard.refuse(
                    response,
                    404,
                    "Session expired after " + idleNanos / 1_000_000_000 + " s idle:" + " initialize a new one");
            return;
        }
        if (activity != null) {
            activity.enter(clock.getAsLong());
        }
        String call = id != null && message != null && message.hasNonNull("id") ? id + "#" + message.get("id") : null;
        if (call != null) {
            calls.put(call, watch);
        }
        if ("notifications/cancelled".equals(method) && id != null) {
            // MCP's own cancellation, which the SDK does not act on: end the watch of the call it names
            ClientWatch cancelled = calls.get(id + "#" + message.path("params").path("requestId"));
            if (cancelled != null) {
                cancelled.closed();
            }
        }
        // the body is read: the client sends nothing more on this connection until it is answered
        ConnectionEnd connection = method != null ? ConnectionEnd.watch(request, watch) : null;
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new Ended(watch, activity, connection));
            } else {
                release(connection);
                watch.closed();
                if (activity != null) {
                    activity.leave(clock.getAsLong());
                }
            }
            if (call != null) {
                watch.onClose(() -> calls.remove(call, watch));
            }
            if ("DELETE".equals(request.getMethod()) && id != null) {
                sessions.remove(id);
            }
        }
    }

    private static void release(ConnectionEnd connection) {
        if (connection != null) {
            connection.release();
        }
    }

    private static String reservation(HttpServletRequest request) {
        return "initializing-" + System.identityHashCode(request);
    }

    private void expireIdle() {
        long now = clock.getAsLong();
        sessions.entrySet().removeIf(e -> e.getValue().idle(now, idleNanos));
    }

    /** What a session is doing: requests in flight and when it last did anything. */
    private static final class Activity {
        private int inFlight;
        private long lastSeen;

        Activity(long now) {
            this.lastSeen = now;
        }

        synchronized void enter(long now) {
            inFlight++;
            lastSeen = now;
        }

        synchronized void leave(long now) {
            inFlight--;
            lastSeen = now;
        }

        synchronized boolean idle(long now, long idleNanos) {
            return inFlight <= 0 && now - lastSeen >= idleNanos;
        }
    }

    /** An asynchronous response's end: the client has its answer or is gone. */
    private final class Ended implements AsyncListener {
        private final ClientWatch watch;
        private final Activity activity;
        private final ConnectionEnd connection;

        Ended(ClientWatch watch, Activity activity, ConnectionEnd connection) {
            this.watch = watch;
            this.activity = activity;
            this.connection = connection;
        }

        private void ended() {
            release(connection);
            watch.closed();
            if (activity != null) {
                activity.leave(clock.getAsLong());
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            ended();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            ended();
        }

        @Override
        public void onError(AsyncEvent event) {
            ended();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
