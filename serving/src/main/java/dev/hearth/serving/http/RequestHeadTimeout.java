package dev.hearth.serving.http;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections whose request head arrives too slowly. Jetty's idle timeout restarts with every byte, so a
 * client sending one header byte every few seconds (or trickling a TLS handshake) would hold its connection for
 * as long as it likes, and enough of them would fill the connection limit. Every sweep looks at each connection:
 * one that has not completed its first request head is timed from its opening; one in the middle of a later
 * request head is timed from the sweep that first saw it there. Past the deadline the connection is closed.
 * Idle keep-alive connections between requests are left to the idle timeout.
 */
final class RequestHeadTimeout extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHeadTimeout.class);

    /** When a connection was first seen waiting for the head of its {@code requests + 1}-th request. */
    private record Waiting(long requests, long sinceMillis) {}

    private final AbstractConnector connector;
    private final long timeoutMillis;
    private final long periodMillis;
    /** Touched only by the sweep, which the scheduler runs one at a time. */
    private final Map<EndPoint, Waiting> waiting = new HashMap<>();

    private volatile Scheduler.Task next;

    RequestHeadTimeout(AbstractConnector connector, long timeoutMillis) {
        this.connector = connector;
        this.timeoutMillis = timeoutMillis;
        this.periodMillis = Math.max(50, Math.min(1000, timeoutMillis / 4));
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
    }

    private void schedule() {
        if (isRunning() || isStarting()) {
            next = connector.getScheduler().schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void sweep() {
        try {
            sweepOnce(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("Request head timeout sweep failed", e);
        } finally {
            schedule();
        }
    }

    /** One look at every connection; package-private for tests. */
    void sweepOnce(long now) {
        Set<EndPoint> seen = new HashSet<>();
        for (EndPoint endPoint : connector.getConnectedEndPoints()) {
            HttpConnection http = httpConnection(endPoint.getConnection());
            if (http == null) {
                continue;
            }
            long requests = http.getMessagesIn();
            boolean inHead = requests == 0
                    || (http.getParser().inHeaderState() && !http.getParser().isStart());
            if (!inHead) {
                continue;
            }
            seen.add(endPoint);
            Waiting w = waiting.get(endPoint);
            if (w == null || w.requests() != requests) {
                // The first request is timed from the connection's opening (TLS handshake included).
                w = new Waiting(requests, requests == 0 ? endPoint.getCreatedTimeStamp() : now);
                waiting.put(endPoint, w);
            }
            if (now - w.sinceMillis() > timeoutMillis) {
                LOG.debug(
                        "Closing {}: no complete request head within {} ms",
                        endPoint.getRemoteSocketAddress(),
                        timeoutMillis);
                endPoint.close();
                seen.remove(endPoint);
            }
        }
        waiting.keySet().retainAll(seen);
    }

    private static HttpConnection httpConnection(Connection connection) {
        if (connection instanceof SslConnection ssl) {
            connection = ssl.getDecryptedEndPoint().getConnection();
        }
        return connection instanceof HttpConnection http ? http : null;
    }
}
