package dev.hearth.serving.http;

import java.util.concurrent.ArrayBlockingQueue;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * What the HTTP server grants one client and all of them together, so that slow or numerous clients cannot pin
 * every thread or exhaust memory and file descriptors (Jetty's defaults have no minimum data rate, no limit on
 * connections and an unbounded job queue).
 *
 * @param idleTimeoutMillis a connection without any bytes in either direction this long is closed; also bounds a
 *     blocked read of a stalled request body or a write to a client that does not read
 * @param headerTimeoutMillis longest a request head (request line and headers) may take to arrive; for a
 *     connection's first request counted from its opening, TLS handshake included
 * @param minRequestDataRate slowest accepted request body, bytes per second averaged from its first byte (0: none)
 * @param maxConnections most open connections; past it new connections wait in the OS accept queue
 * @param maxThreads most threads of the server's pool (acceptor and selector threads included)
 * @param maxQueuedJobs most jobs waiting for a thread; past it Jetty refuses the job and closes its connection
 */
public record ServerLimits(
        long idleTimeoutMillis,
        long headerTimeoutMillis,
        long minRequestDataRate,
        int maxConnections,
        int maxThreads,
        int maxQueuedJobs) {
    /** Fewer threads than this cannot serve once Jetty's acceptor and selector threads have taken theirs. */
    static final int MIN_THREADS = 8;

    public ServerLimits {
        positive("server.idle.timeout.ms", idleTimeoutMillis);
        positive("server.header.timeout.ms", headerTimeoutMillis);
        if (minRequestDataRate < 0) {
            throw new IllegalArgumentException(
                    "server.min.request.data.rate must be >= 0 (0: no minimum) but was " + minRequestDataRate);
        }
        positive("server.max.connections", maxConnections);
        if (maxThreads < MIN_THREADS) {
            throw new IllegalArgumentException("server.threads.max must be >= " + MIN_THREADS
                    + " (Jetty's acceptor and selector threads come out of the same pool) but was " + maxThreads);
        }
        positive("server.threads.queue", maxQueuedJobs);
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0 but was " + value);
        }
    }

    /** The request thread pool with a bounded job queue. */
    ThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(
                maxThreads, Math.min(MIN_THREADS, maxThreads), 60_000, new ArrayBlockingQueue<>(maxQueuedJobs));
        pool.setName("hearth-http");
        return pool;
    }

    /** Per-request settings of the HTTP configuration every connector shares. */
    void apply(HttpConfiguration http) {
        http.setMinRequestDataRate(minRequestDataRate);
    }

    /**
     * The listening connector with these limits: idle timeout, the request-head deadline and the connection
     * limit (registered on the server, which starts it).
     */
    ServerConnector connector(Server server, String host, int port, ConnectionFactory... factories) {
        ServerConnector connector = new ServerConnector(server, factories);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeoutMillis);
        connector.addBean(new RequestHeadTimeout(connector, headerTimeoutMillis));
        server.addBean(new ConnectionLimit(maxConnections, connector));
        return connector;
    }
}
