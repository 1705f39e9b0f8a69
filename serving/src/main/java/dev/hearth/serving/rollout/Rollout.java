package dev.hearth.serving.rollout;

import dev.hearth.serving.model.LoadedModel;
import dev.hearth.serving.model.ModelNotReadyException;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.ModelSlot;
import dev.hearth.serving.model.ServingPolicy;
import dev.hearth.store.ShadowSummaries;
import dev.hearth.store.ShadowSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollouts of the served models: routes each request to the primary or the canary version (by the bucket of
 * its routing key, so a caller sticks to one version; at random without a key), and copies a sample of answered
 * requests to the shadow version on the {@link ShadowRunner}, comparing outputs ({@link ShadowStats}). Entries are
 * re-read and targets re-resolved every poll; this replica's shadow summary is written to the store periodically.
 *
 * <p>A rollout never fails a request: a canary that is not loaded, or whose input does not match the primary's,
 * leaves the request on the primary; a shadow that fails or does not fit the queue is counted and dropped.
 */
public final class Rollout implements Routing, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rollout.class);
    /** Requests larger than this many values are not shadowed: the copy lives outside the in-flight budget. */
    static final int MAX_SHADOW_VALUES = 1 << 16;

    private final ModelRegistry primary;
    private final RolloutSource source;
    private final RolloutTargets targets;
    private final ShadowRunner runner;
    private final ShadowStats stats;
    private final ShadowSummaries summaries;
    private final String replica;
    private final long shadowTimeoutMillis;
    private final MeterRegistry meters;
    private final Map<String, Counter> routedCounters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hearth-rollout");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<String, RolloutSpec> specs = Map.of();
    private String lastProblem;

    /**
     * @param summaries where shadow summaries are persisted, or null for nowhere
     * @param replica this replica's name in the store
     */
    Rollout(
            ModelRegistry primary,
            RolloutSource source,
            RolloutTargets targets,
            ShadowRunner runner,
            ShadowStats stats,
            ShadowSummaries summaries,
            String replica,
            long shadowTimeoutMillis,
            MeterRegistry meters) {
        this.primary = primary;
        this.source = source;
        this.targets = targets;
        this.runner = runner;
        this.stats = stats;
        this.summaries = summaries;
        this.replica = replica;
        this.shadowTimeoutMillis = shadowTimeoutMillis;
        this.meters = meters;
    }

    /**
     * Loads the entries (a bad one stops the start, named), opens and loads the targets, resumes this replica's
     * shadow counts from the store, then refreshes every {@code pollMillis} and persists every {@code persistMillis}.
     */
    void start(long pollMillis, long persistMillis) {
        Map<String, RolloutSpec> first = checked(source.load());
        targets.sync(policies(first));
        specs = first;
        if (summaries != null) {
            for (String model : first.keySet()) {
                summaries.read(model).stream()
                        .filter(s -> s.replica().equals(replica))
                        .findFirst()
                        .ifPresent(stats::resume);
            }
        }
        if (!first.isEmpty()) {
            LOG.info("Rollouts from {}: {}", source.describe(), first.values());
        }
        if (pollMillis > 0) {
            timer.scheduleWithFixedDelay(this::refresh, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        }
        if (summaries != null && persistMillis > 0) {
            timer.scheduleWithFixedDelay(this::persist, persistMillis, persistMillis, TimeUnit.MILLISECONDS);
        }
    }

    private Map<String, RolloutSpec> checked(Map<String, RolloutSpec> loaded) {
        for (String model : loaded.keySet()) {
            if (!primary.names().contains(model)) {
                throw new IllegalArgumentException(source.describe() + " names model '" + model
                        + "', which this server does not serve (serving " + primary.names() + ")");
            }
        }
        return loaded;
    }

    private static Set<ServingPolicy> policies(Map<String, RolloutSpec> specs) {
        Set<ServingPolicy> out = new HashSet<>();
        for (RolloutSpec s : specs.values()) {
            if (s.canary() != null) {
                out.add(s.canary().policy());
            }
            if (s.shadow() != null) {
                out.add(s.shadow().policy());
            }
        }
        return out;
    }

    /** Re-reads the entries and re-resolves the targets; a bad file keeps the entries in force (logged once). */
    void refresh() {
        try {
            Map<String, RolloutSpec> next = checked(source.load());
            targets.sync(policies(next));
            if (!next.equals(specs)) {
                LOG.info("Rollouts changed ({}): {}", source.describe(), next.values());
            }
            specs = next;
            lastProblem = null;
        } catch (Throwable t) {
            if (!t.toString().equals(lastProblem)) {
                lastProblem = t.toString();
                LOG.error("Rollout refresh failed; the rollouts in force stay: {}", t.getMessage(), t);
            }
        }
    }

    @Override
    public Routed route(ModelSlot slot, LoadedModel primaryModel, String key, String requestId) {
        RolloutSpec spec = specs.get(slot.name());
        if (spec == null || spec.canary() == null || spec.canary().weight() <= 0) {
            return new Routed(slot, primaryModel, Routed.PRIMARY);
        }
        int bucket = key != null
                ? RoutingKey.bucket(key)
                : requestId != null
                        ? RoutingKey.bucket(requestId)
                        : ThreadLocalRandom.current().nextInt(RoutingKey.BUCKETS);
        if (!RoutingKey.inCanary(bucket, spec.canary().weight())) {
            count(slot.name(), Routed.PRIMARY);
            return new Routed(slot, primaryModel, Routed.PRIMARY);
        }
        ModelSlot canarySlot = targets.slot(spec.canary().policy());
        LoadedModel canary = acquire(canarySlot);
        if (canary == null) {
            count(slot.name(), "canary_unavailable");
            return new Routed(slot, primaryModel, Routed.PRIMARY);
        }
        if (!sameInput(canary, primaryModel)) {
            canary.release();
            count(slot.name(), "canary_incompatible");
            return new Routed(slot, primaryModel, Routed.PRIMARY);
        }
        primaryModel.release();
        count(slot.name(), Routed.CANARY);
        return new Routed(canarySlot, canary, Routed.CANARY);
    }

    private static LoadedModel acquire(ModelSlot slot) {
        if (slot == null) {
            return null;
        }
        try {
            return slot.acquire();
        } catch (ModelNotReadyException e) {
            return null;
        }
    }

    private static boolean sameInput(LoadedModel a, LoadedModel b) {
        return a.signature().featureCount() == b.signature().featureCount()
                && a.signature().inputName().equals(b.signature().inputName());
    }

    private void count(String model, String role) {
        routedCounters
                .computeIfAbsent(
                        model + "\u0000" + role,
                        k -> Counter.builder("hearth.rollout.requests")
                                .tag("model", model)
                                .tag("role", role)
                                .description("inference requests by the rollout role that answered")
                                .register(meters))
                .increment();
    }

    private double routed(String model, String role) {
        Counter c = routedCounters.get(model + "\u0000" + role);
        return c == null ? 0 : c.count();
    }

    @Override
    public void answered(String model, LoadedModel answered, float[] features, int rows, float[] outputs) {
        RolloutSpec spec = specs.get(model);
        if (spec == null || spec.shadow() == null || spec.shadow().weight() <= 0) {
            return;
        }
        double fraction = spec.shadow().weight();
        if (fraction < 1 && ThreadLocalRandom.current().nextDouble() >= fraction) {
            return;
        }
        if (features.length > MAX_SHADOW_VALUES) {
            count(model, "shadow_too_large");
            return;
        }
        ServingPolicy target = spec.shadow().policy();
        if (!runner.offer(() -> shadow(model, target, answered, features, rows, outputs))) {
            stats.dropped(model);
        }
    }

    /** Runs one shadow copy through the target's batcher, as any request on that version runs, and compares. */
    private void shadow(
            String model, ServingPolicy target, LoadedModel answered, float[] features, int rows, float[] outputs) {
        int primaryVersion = answered.version().version();
        ModelSlot slot = targets.slot(target);
        LoadedModel shadow = acquire(slot);
        if (shadow == null) {
            return;
        }
        int shadowVersion = shadow.version().version();
        if (shadowVersion == primaryVersion) {
            shadow.release();
            return;
        }
        if (!sameInput(shadow, answered)
                || shadow.outputWidth() != answered.outputWidth()
                || shadow.signature().isRegression() != answered.signature().isRegression()) {
            shadow.release();
            stats.failed(model, primaryVersion, shadowVersion);
            return;
        }
        float[] out;
        try {
            CompletableFuture<float[]> result = slot.batcher().submit(shadow, features, rows);
            result.whenComplete((r, e) -> shadow.release());
            try {
                out = result.get(shadowTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                slot.batcher().withdraw(result);
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            stats.failed(model, primaryVersion, shadowVersion);
            return;
        }
        int width = answered.outputWidth();
        if (answered.signature().isRegression()) {
            double sum = 0;
            for (int i = 0; i < rows * width; i++) {
                sum += Math.abs(out[i] - outputs[i]);
            }
            stats.regressed(model, primaryVersion, shadowVersion, rows, sum, rows * width);
        } else {
            int agreeing = 0;
            for (int r = 0; r < rows; r++) {
                if (argmax(out, r, width) == argmax(outputs, r, width)) {
                    agreeing++;
                }
            }
            stats.classified(model, primaryVersion, shadowVersion, rows, agreeing);
        }
    }

    private static int argmax(float[] p, int row, int width) {
        int best = 0;
        for (int c = 1; c < width; c++) {
            if (p[row * width + c] > p[row * width + best]) {
                best = c;
            }
        }
        return best;
    }

    /** Writes this replica's shadow summary of every model it has counts for; failures are logged, retried later. */
    void persist() {
        for (String model : stats.models()) {
            try {
                summaries.write(stats.summary(model, replica));
            } catch (RuntimeException e) {
                LOG.warn(
                        "Could not write the shadow summary of {} (tried again in the next period): {}",
                        model,
                        e.getMessage());
            }
        }
    }

    /**
     * The rollout of a served model for {@code GET /v2/models/{m}/rollout}: targets, weights, versions loaded,
     * requests routed per role here, and shadow agreement per pair of versions on this replica and merged over
     * every replica's summary in the store.
     */
    public Map<String, Object> describe(String model) {
        ModelSlot slot = primary.slot(model);
        RolloutSpec spec = specs.get(model);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("replica", replica);
        out.put(
                "primary",
                Map.of("policy", slot.policy().toString(), "version", slot.currentVersion(), "requests", (long)
                        routed(model, Routed.PRIMARY)));
        if (spec != null && spec.canary() != null) {
            ModelSlot c = targets.slot(spec.canary().policy());
            Map<String, Object> canary = new LinkedHashMap<>();
            canary.put("policy", spec.canary().policy().toString());
            canary.put("version", c == null ? 0 : c.currentVersion());
            canary.put("percent", spec.canary().weight());
            canary.put("requests", (long) routed(model, Routed.CANARY));
            canary.put("unavailable", (long) routed(model, "canary_unavailable"));
            if (c != null && c.problem() != null) {
                canary.put("problem", c.problem());
            }
            out.put("canary", canary);
        }
        if (spec != null && spec.shadow() != null) {
            ModelSlot s = targets.slot(spec.shadow().policy());
            Map<String, Object> shadow = new LinkedHashMap<>();
            shadow.put("policy", spec.shadow().policy().toString());
            shadow.put("version", s == null ? 0 : s.currentVersion());
            shadow.put("fraction", spec.shadow().weight());
            shadow.put("queued", runner.queued());
            if (s != null && s.problem() != null) {
                shadow.put("problem", s.problem());
            }
            out.put("shadow", shadow);
        }
        ShadowSummary mine = stats.summary(model, replica);
        out.put("shadow_dropped", mine.dropped());
        out.put("shadow_pairs", pairs(mine.pairs()));
        if (summaries != null) {
            List<ShadowSummary> all = summaries.read(model);
            Map<String, ShadowSummary.Pair> merged = new LinkedHashMap<>();
            for (ShadowSummary s : all) {
                for (ShadowSummary.Pair p : s.pairs()) {
                    merged.merge(p.primary() + "->" + p.shadow(), p, ShadowSummary.Pair::plus);
                }
            }
            out.put(
                    "fleet_replicas",
                    all.stream().map(ShadowSummary::replica).sorted().toList());
            out.put("fleet_shadow_pairs", pairs(new ArrayList<>(merged.values())));
        }
        return out;
    }

    private static List<Map<String, Object>> pairs(List<ShadowSummary.Pair> pairs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ShadowSummary.Pair p : pairs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("primary", p.primary());
            m.put("shadow", p.shadow());
            m.put("requests", p.requests());
            m.put("rows", p.rows());
            m.put("failed", p.failed());
            if (p.regression()) {
                m.put("mean_abs_diff", Double.isNaN(p.meanAbsDiff()) ? null : p.meanAbsDiff());
            } else {
                m.put("agreement", Double.isNaN(p.agreement()) ? null : p.agreement());
            }
            out.add(m);
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.close();
        if (summaries != null) {
            persist();
        }
        targets.close();
    }
}
