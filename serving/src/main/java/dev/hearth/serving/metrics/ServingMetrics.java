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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's Prometheus metrics (Micrometer): requests by endpoint, model, version and status with latency
 * histograms; merged requests and rows per forward pass; queue depth; model load time and failures; the version
 * each model currently serves.
 */
public final class ServingMetrics implements ModelEvents {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /**
     * Meters already registered, by their tags: building a meter's id (tag sorting, allocation) for every request
     * and every batch cost more than recording into it.
     */
    private final Map<RequestKey, Timer> requests = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary[]> batches = new ConcurrentHashMap<>();

    private record RequestKey(String endpoint, String model, String version, int status) {}

    /** Records one finished HTTP request. {@code model} and {@code version} are empty for non-model endpoints. */
    public void request(String endpoint, String model, String version, int status, long nanos) {
        requests.computeIfAbsent(new RequestKey(endpoint, model, version, status), k -> Timer.builder("hearth.requests")
                .description("HTTP requests by endpoint, model, version and status")
                .tags("endpoint", k.endpoint(), "model", k.model(), "version", k.version(), "status",
                        Integer.toString(k.status()))
                .publishPercentileHistogram()
                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void slotAdded(ModelSlot slot) {
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
                    .register(registry)});
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

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
