package dev.hearth.serving.metrics;

import dev.hearth.serving.model.ModelEvents;
import dev.hearth.serving.model.ModelSlot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's Prometheus metrics (Micrometer): requests by endpoint, model, version and status with latency
 * histograms; merged requests and rows per forward pass; queue depth; model load time and failures; the version
 * each model currently serves.
 *
 * <p>Every label value comes from a bounded set the server controls, never from the caller: a model label only
 * for models this server serves (any other name a caller sends counts as {@value #OTHER_MODEL}), endpoints from
 * the route table, statuses from a fixed list. Otherwise every request naming a new model would register a new
 * timer with its histogram, and unauthenticated traffic could grow the heap and every scrape without bound.
 */
public final class ServingMetrics implements ModelEvents {
    /** The model label of requests naming a model this server does not serve. */
    public static final String OTHER_MODEL = "_other";
    /** The endpoint label of requests that matched no route. */
    public static final String UNMATCHED = "unmatched";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Names of the served models (slots are added, never removed): the only model label values. */
    private final Set<String> served = ConcurrentHashMap.newKeySet();
    /**
     * Meters already registered, by their tags: building a meter's id (tag sorting, allocation) for every request
     * and every batch cost more than recording into it.
     */
    private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();

    private final Map<String, DistributionSummary[]> batches = new ConcurrentHashMap<>();

    private record RequestKey(String endpoint, String model, String version, int status) {}

    /**
     * Records one finished HTTP request. {@code model} and {@code version} are empty for non-model endpoints;
     * {@code model} may be whatever the caller sent: only served names become labels.
     *
     * @param endpoint the matched route's path template, or anything not starting with {@code /} when none matched
     */
    public void request(String endpoint, String model, String version, int status, long nanos) {
        String endpointLabel = endpoint != null && endpoint.startsWith("/") ? endpoint : UNMATCHED;
        boolean known = model == null || model.isEmpty() || served.contains(model);
        // A version is only tagged once a served model was acquired; drop it with the model just in case.
        RequestKey key = new RequestKey(
                endpointLabel,
                known ? nullToEmpty(model) : OTHER_MODEL,
                known ? nullToEmpty(version) : "",
                statusKey(status));
        requests.computeIfAbsent(
                        key,
                        k -> Timer.builder("hearth.requests")
                                .description("HTTP requests by endpoint, model, version and status")
                                .tags(
                                        "endpoint",
                                        k.endpoint(),
                                        "model",
                                        k.model(),
                                        "version",
                                        k.version(),
                                        "status",
                                        k.status() >= 0 ? Integer.toString(k.status()) : -k.status() + "xx")
                                .publishPercentileHistogram()
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The status itself when it is one the server answers with, else minus its class (-4 for 4xx). */
    private static int statusKey(int status) {
        return switch (status) {
            case 200, 201, 204, 400, 401, 403, 404, 405, 408, 409, 413, 415, 429, 431, 500, 501, 503, 504 -> status;
            default -> -Math.max(0, Math.min(9, status / 100));
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void slotAdded(ModelSlot slot) {
        served.add(slot.name());
        Gauge.builder("hearth.queue.depth", slot, s -> s.batcher().queueDepth())
                .description("requests waiting for a forward pass")
                .tag("model", slot.name())
                .register(registry);
        Gauge.builder("hearth.model.version", slot, ModelSlot::currentVersion)
                .description("version each model currently serves (0: none)")
                .tag("model", slot.name())
                .register(registry);
    }

    @Override
    public void batchExecuted(String model, int requests, int rows) {
        DistributionSummary[] summaries = batches.computeIfAbsent(model, m -> new DistributionSummary[] {
            DistributionSummary.builder("hearth.batch.requests")
                    .description("requests merged into one forward pass")
                    .tag("model", m)
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                    .register(registry),
            DistributionSummary.builder("hearth.batch.rows")
                    .description("rows in one forward pass")
                    .tag("model", m)
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                    .register(registry)
        });
        summaries[0].record(requests);
        summaries[1].record(rows);
    }

    @Override
    public void loaded(String model, int version, long nanos) {
        Timer.builder("hearth.model.load")
                .description("time to load, verify and warm up a model version")
                .tag("model", model)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void loadFailed(String model, int version, String reason) {
        Counter.builder("hearth.model.load.failures")
                .description("model versions refused, by reason (integrity, format, warmup, budget, read)")
                .tags("model", model, "reason", reason)
                .register(registry)
                .increment();
    }

    /**
     * The meter registry, for meters other parts of the server own (rollout and shadow counts) and in-process
     * readers such as the web console's live charts.
     */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
