package dev.hearth.bench.abuse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The well-behaved clients: each a thread with its own {@link HttpClient} (HTTP/1.1 keep-alive) sending a valid
 * single-row OIP v2 request at a steady rate with a valid predict token, recording every outcome. A request
 * succeeds when it gets a 2xx within the timeout; anything else (any other status, 503 included, a reset, a
 * timeout) is a failure. The target URL can change between loads (a restarted server listens elsewhere).
 */
final class WellBehavedClients implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One request: when it started, how long it took, its status (0: no answer) and the error, if any. */
    private record Outcome(long startNanos, long nanos, int status, String error) {}

    /** Figures of the requests started in one window. */
    record Window(
            long sent,
            long ok,
            double successRate,
            double p50Ms,
            double p99Ms,
            double maxMs,
            Map<String, Long> failures) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sent", sent);
            m.put("ok", ok);
            m.put("successRate", successRate);
            m.put("p50Ms", p50Ms);
            m.put("p99Ms", p99Ms);
            m.put("maxMs", maxMs);
            m.put("failures", failures);
            return m;
        }
    }

    private final String token;
    private final List<String> bodies;
    private final int clients;
    private final long periodNanos;
    private final List<Outcome> outcomes = new ArrayList<>();
    /** Start time of each client's request in flight, or Long.MAX_VALUE when it has none. */
    private final AtomicLongArray inFlight;

    private final List<Thread> threads = new ArrayList<>();
    private volatile URI target;
    private volatile boolean running = true;

    /**
     * @param target the inference URL
     * @param token a token with the predict scope for the model
     * @param bodies valid request bodies, used in turn
     * @param clients how many clients
     * @param rate requests per second per client
     */
    WellBehavedClients(URI target, String token, List<String> bodies, int clients, double rate) {
        this.target = target;
        this.token = token;
        this.bodies = List.copyOf(bodies);
        this.clients = clients;
        this.periodNanos = (long) (1e9 / rate);
        this.inFlight = new AtomicLongArray(clients);
        for (int i = 0; i < clients; i++) {
            inFlight.set(i, Long.MAX_VALUE);
        }
    }

    /** Starts every client, each offset by a fraction of the period so they do not send in lockstep. */
    void start() {
        for (int i = 0; i < clients; i++) {
            int id = i;
            Thread t = new Thread(() -> loop(id), "abuse-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Points every client at another inference URL (after a server restart). */
    void retarget(URI newTarget) {
        this.target = newTarget;
    }

    private void loop(int id) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        long next = System.nanoTime() + periodNanos * id / clients;
        int n = id;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            // Steady rate; a request slower than the period delays the next one instead of piling up requests.
            next = Math.max(next + periodNanos, System.nanoTime());
            String body = bodies.get(n++ % bodies.size());
            long t0 = System.nanoTime();
            inFlight.set(id, t0);
            int status = 0;
            String error = null;
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(target)
                                .timeout(TIMEOUT)
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                status = r.statusCode();
            } catch (IOException e) {
                error = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                return;
            }
            Outcome o = new Outcome(t0, System.nanoTime() - t0, status, error);
            synchronized (outcomes) {
                outcomes.add(o);
            }
            inFlight.set(id, Long.MAX_VALUE);
        }
    }

    /** Now, as a window boundary. */
    long mark() {
        return System.nanoTime();
    }

    /**
     * Figures of the requests started in {@code [from, to)}; first waits (bounded by the request timeout) until
     * every such request has finished.
     */
    Window window(long from, long to) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && pendingBefore(to)) {
            Thread.sleep(20);
        }
        List<Outcome> in = new ArrayList<>();
        synchronized (outcomes) {
            for (Outcome o : outcomes) {
                if (o.startNanos() >= from && o.startNanos() < to) {
                    in.add(o);
                }
            }
        }
        long ok = in.stream().filter(o -> o.status() >= 200 && o.status() < 300).count();
        Map<String, Long> failures = new LinkedHashMap<>();
        for (Outcome o : in) {
            if (o.status() < 200 || o.status() >= 300) {
                failures.merge(o.error() != null ? o.error() : "HTTP " + o.status(), 1L, Long::sum);
            }
        }
        double[] ms = in.stream().mapToDouble(o -> o.nanos() / 1e6).sorted().toArray();
        return new Window(
                in.size(),
                ok,
                in.isEmpty() ? 0 : (double) ok / in.size(),
                percentile(ms, 0.50),
                percentile(ms, 0.99),
                ms.length == 0 ? 0 : ms[ms.length - 1],
                failures);
    }

    private boolean pendingBefore(long to) {
        for (int i = 0; i < clients; i++) {
            if (inFlight.get(i) < to) {
                return true;
            }
        }
        return false;
    }

    /** Nearest-rank percentile of sorted values; 0 when there are none. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            t.join(TIMEOUT.toMillis() + 2_000);
        }
    }
}
