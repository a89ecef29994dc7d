package dev.quarry.mcp;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Notices a client closing its connection while its request is being answered (a long call whose answer
 * has not been written yet): Jetty 11 reads nothing from a connection while it answers a request on it, so
 * without this a client that went away would be noticed only when the answer is written. It asks Jetty to
 * say when the connection becomes readable; end of stream then means the client is gone, and the watch
 * cancels the call. When the answer is done, {@link #release()} hands the connection's reading back to
 * Jetty for the next request. An HTTP/1.1 client sends nothing on a connection before its answer has come
 * (MCP clients do not pipeline); a byte that came anyway would be lost, and ends the watch like a close.
 */
final class ConnectionEnd {

    private static final ConnectionEnd NONE = new ConnectionEnd(null);

    private final AbstractEndPoint endPoint;
    private final AtomicBoolean pending = new AtomicBoolean();

    private ConnectionEnd(AbstractEndPoint endPoint) {
        this.endPoint = endPoint;
    }

    /** Starts watching the request's connection for its end, telling {@code watch}. */
    static ConnectionEnd watch(HttpServletRequest request, ClientWatch watch) {
        Request base = Request.getBaseRequest(request);
        if (base == null
                || base.getHttpChannel() == null
                || !(base.getHttpChannel().getEndPoint() instanceof AbstractEndPoint endPoint)) {
            return NONE;
        }
        ConnectionEnd end = new ConnectionEnd(endPoint);
        end.listen(watch);
        return end;
    }

    private void listen(ClientWatch watch) {
        pending.set(true);
        boolean registered = endPoint.tryFillInterested(new Callback() {
            @Override
            public void succeeded() {
                if (!pending.compareAndSet(true, false)) {
                    return;
                }
                try {
                    if (endPoint.fill(BufferUtil.allocate(1)) == 0) {
                        listen(watch); // woken with nothing to read: keep listening
                    } else {
                        watch.closed();
                    }
                } catch (IOException e) {
                    watch.closed();
                }
            }

            @Override
            public void failed(Throwable cause) {
                if (pending.compareAndSet(true, false)) {
                    watch.closed();
                }
            }
        });
        if (!registered) {
            pending.set(false);
        }
    }

    /** Stops watching: the answer is done, and Jetty reads the connection's next request itself. */
    void release() {
        if (endPoint != null && pending.compareAndSet(true, false)) {
            endPoint.getFillInterest().onFail(new CancellationException("answered"));
        }
    }
}
