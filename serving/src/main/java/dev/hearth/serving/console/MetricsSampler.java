package dev.hearth.serving.console;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the server's own Micrometer meters every few seconds into a bounded history per served model (10
 * minutes), and turns consecutive samples into rates: requests/s, p50 and p99 latency (from the latency histogram's
 * bucket counts between two samples, so a bucket bound, not an average), 4xx and 5xx answers/s and rows per forward
 * pass. The meters are cumulative since start; the console only reads them.
 */
public final class MetricsSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsSampler.class);
    private static final Duration HISTORY = Duration.ofMinutes(10);

    /**
     * Rates between two samples.
     *
     * @param atMillis end of the interval (epoch milliseconds)
     * @param rps requests per second
     * @param p50Ms median latency (upper bound of its histogram bucket), NaN without requests
     * @param p99Ms 99th percentile latency, NaN without requests
     * @param clientErrorsPerSec 4xx answers per second
     * @param serverErrorsPerSec 5xx answers per second
     * @param batchRows mean rows per forward pass, NaN without forward passes
     */
    public record Point(
            long atMillis,
            double rps,
            double p50Ms,
            double p99Ms,
            double clientErrorsPerSec,
            double serverErrorsPerSec,
            double batchRows) {}

    /** Cumulative counts at one instant; bucket counts are cumulative over the sorted bounds (nanoseconds). */
    private record Raw(
            long atMillis,
            long count,
            long clientErrors,
            long serverErrors,
            double[] bounds,
            double[] cumulative,
            long batches,
            double rows) {}

    private final MeterRegistry registry;
    private final ServedModels served;
    private final long periodMillis;
    private final Map<String, ArrayDeque<Raw>> history = new HashMap<>();
    private ScheduledExecutorService timer;

    /** @param periodMillis how often to sample ({@code console.metrics.sample.ms}) */
    public MetricsSampler(MeterRegistry registry, ServedModels served, long periodMillis) {
        if (periodMillis < 100) {
            throw new IllegalArgumentException("console.metrics.sample.ms must be >= 100 but was " + periodMillis);
        }
        this.registry = registry;
        this.served = served;
        this.periodMillis = periodMillis;
    }

    /** Starts sampling on a daemon thread. */
    public synchronized void start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "console-metrics");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::sampleQuietly, 0, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void sampleQuietly() {
        try {
            sample(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("Console metrics sample failed", e);
        }
    }

    /** Takes one sample of every served model now. */
    void sample(long nowMillis) {
        int keep = (int) Math.max(2, HISTORY.toMillis() / periodMillis + 1);
        for (String model : served.served().keySet()) {
            Raw raw = read(model, nowMillis);
            synchronized (history) {
                ArrayDeque<Raw> q = history.computeIfAbsent(model, m -> new ArrayDeque<>());
                q.addLast(raw);
                while (q.size() > keep) {
                    q.removeFirst();
                }
            }
        }
    }

    private Raw read(String model, long now) {
        long count = 0;
        long client = 0;
        long server = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (Timer t : registry.find("hearth.requests").tag("model", model).timers()) {
            long c = t.count();
            count += c;
            String status = t.getId().getTag("status");
            if (status != null && status.startsWith("4")) {
                client += c;
            } else if (status != null && status.startsWith("5")) {
                server += c;
            }
            for (CountAtBucket b : t.takeSnapshot().histogramCounts()) {
                buckets.merge(b.bucket(), b.count(), Double::sum);
            }
        }
        double[] bounds = new double[buckets.size()];
        double[] cumulative = new double[buckets.size()];
        int i = 0;
        for (Map.Entry<Double, Double> e : buckets.entrySet()) {
            bounds[i] = e.getKey();
            cumulative[i++] = e.getValue();
        }
        DistributionSummary rows =
                registry.find("hearth.batch.rows").tag("model", model).summary();
        return new Raw(
                now,
                count,
                client,
                server,
                bounds,
                cumulative,
                rows == null ? 0 : rows.count(),
                rows == null ? 0 : rows.totalAmount());
    }

    /** Rates between consecutive samples of {@code model}, oldest first (empty when not sampled yet). */
    public List<Point> series(String model) {
        List<Raw> raws = raws(model);
        List<Point> out = new ArrayList<>();
        for (int i = 1; i < raws.size(); i++) {
            out.add(between(raws.get(i - 1), raws.get(i)));
        }
        return out;
    }

    /** Rates over the last {@code window} (or as much of it as was sampled), empty with fewer than two samples. */
    public Optional<Point> over(String model, Duration window) {
        List<Raw> raws = raws(model);
        if (raws.size() < 2) {
            return Optional.empty();
        }
        Raw last = raws.get(raws.size() - 1);
        Raw first = raws.get(0);
        for (Raw r : raws) {
            if (r.atMillis() >= last.atMillis() - window.toMillis()) {
                first = r;
                break;
            }
        }
        return first == last ? Optional.empty() : Optional.of(between(first, last));
    }

    private List<Raw> raws(String model) {
        synchronized (history) {
            ArrayDeque<Raw> q = history.get(model);
            return q == null ? List.of() : new ArrayList<>(q);
        }
    }

    private static Point between(Raw a, Raw b) {
        double seconds = Math.max(1e-3, (b.atMillis() - a.atMillis()) / 1000.0);
        long n = Math.max(0, b.count() - a.count());
        return new Point(
                b.atMillis(),
                n / seconds,
                quantile(a, b, n, 0.5),
                quantile(a, b, n, 0.99),
                Math.max(0, b.clientErrors() - a.clientErrors()) / seconds,
                Math.max(0, b.serverErrors() - a.serverErrors()) / seconds,
                b.batches() > a.batches() ? (b.rows() - a.rows()) / (b.batches() - a.batches()) : Double.NaN);
    }

    /** The upper bound (ms) of the bucket holding quantile {@code q} of the requests between two samples. */
    private static double quantile(Raw a, Raw b, long n, double q) {
        if (n == 0) {
            return Double.NaN;
        }
        double target = q * n;
        for (int i = 0; i < b.bounds().length; i++) {
            double before = valueAt(a, b.bounds()[i]);
            if (b.cumulative()[i] - before >= target) {
                return b.bounds()[i] / 1e6;
            }
        }
        return b.bounds().length == 0 ? Double.NaN : b.bounds()[b.bounds().length - 1] / 1e6;
    }

    private static double valueAt(Raw r, double bound) {
        int i = java.util.Arrays.binarySearch(r.bounds(), bound);
        return i >= 0 ? r.cumulative()[i] : 0;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
