package dev.hearth.serving;

import dev.hearth.config.Settings;
import dev.hearth.serving.http.HttpApi;
import dev.hearth.serving.model.BatchingConfig;
import dev.hearth.serving.model.ServingPolicy;
import dev.hearth.store.ModelNames;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The model server's configuration as typed values, read from resolved {@link Settings} once by {@link #from}
 * (like spark-jobs' {@code TrainJobConfig}): {@link ModelServer#start(ServerConfig)} reads no key itself. The parts
 * that wire their own settings group (HTTP endpoint and TLS, store configuration, auth, rollout, console) still get
 * {@link #settings()}, already checked at load.
 *
 * @param settings the resolved settings this was read from
 * @param storeRoot model store root
 * @param policies which models to serve (empty: every model)
 * @param computeThreads native threads per forward pass (0: ND4J's default)
 * @param denseFastPath direct BLAS for dense-only networks
 * @param drainMillis readiness-503 window on SIGTERM
 * @param leaseTtl lease on each served version (zero: no leases)
 * @param leaseRenew lease renewal period (zero: a third of the TTL)
 * @param versionCacheSize other versions kept loaded
 * @param versionsOnDemand load unserved versions when a request names them
 * @param offheapBudget most bytes of parameters held at once (0: no limit)
 * @param authEnabled bearer tokens required
 * @param maxInflightBytes most bytes all requests in flight may hold
 * @param http the HTTP API's limits
 * @param consoleEnabled serve the web console
 * @param pollIntervalMillis store poll period (0: never)
 * @param shutdownTimeoutMillis how long shutdown waits for in-flight requests
 * @param batchingEnabled whether concurrent requests are merged (the default of {@link #batching})
 * @param batchingDefaults batching limits of models without a {@code batching.per.model} entry
 * @param batchingPerModel per-model batching limits
 */
public record ServerConfig(
        Settings settings,
        String storeRoot,
        List<ServingPolicy> policies,
        int computeThreads,
        boolean denseFastPath,
        long drainMillis,
        Duration leaseTtl,
        Duration leaseRenew,
        int versionCacheSize,
        boolean versionsOnDemand,
        long offheapBudget,
        boolean authEnabled,
        long maxInflightBytes,
        HttpApi.Options http,
        boolean consoleEnabled,
        long pollIntervalMillis,
        long shutdownTimeoutMillis,
        boolean batchingEnabled,
        BatchingConfig batchingDefaults,
        Map<String, BatchingConfig> batchingPerModel) {
    public ServerConfig {
        Objects.requireNonNull(settings, "settings");
        policies = List.copyOf(policies);
        batchingPerModel = Map.copyOf(batchingPerModel);
    }

    /** Reads and checks every server-level key once; fails with a message naming key, value and rule. */
    public static ServerConfig from(Settings s) {
        List<ServingPolicy> policies = Arrays.stream(
                        s.get(ServingSettings.MODELS).split(","))
                .map(String::strip)
                .filter(p -> !p.isEmpty())
                .map(ServingPolicy::parse)
                .toList();
        boolean batching = s.getBoolean(ServingSettings.BATCHING_ENABLED);
        long maxQueueRows = s.getLong(ServingSettings.BATCH_MAX_QUEUE_ROWS);
        BatchingConfig defaults = new BatchingConfig(
                batching,
                s.getInt(ServingSettings.BATCH_MAX_SIZE, 1),
                s.getLong(ServingSettings.BATCH_MAX_DELAY_US),
                maxQueueRows);
        return new ServerConfig(
                s,
                s.require(ServingSettings.STORE_ROOT),
                policies,
                s.getInt(ServingSettings.COMPUTE_THREADS, 0),
                s.getBoolean(ServingSettings.DENSE_FAST_PATH),
                s.getLong(ServingSettings.DRAIN_MS),
                Duration.ofMillis(s.getLong(ServingSettings.LEASE_TTL_MS)),
                Duration.ofMillis(s.getLong(ServingSettings.LEASE_RENEW_MS)),
                s.getInt(ServingSettings.VERSION_CACHE_SIZE, 1),
                s.getBoolean(ServingSettings.VERSIONS_ON_DEMAND),
                s.getLong(ServingSettings.OFFHEAP_BUDGET),
                s.getBoolean(ServingSettings.AUTH_ENABLED),
                s.getLong(ServingSettings.MAX_INFLIGHT_BYTES),
                new HttpApi.Options(
                        s.getLong(ServingSettings.MAX_BODY_BYTES),
                        s.getInt(ServingSettings.MAX_ROWS, 1),
                        s.getLong(ServingSettings.REQUEST_TIMEOUT_MS),
                        s.getBoolean(ServingSettings.MANAGEMENT_ENABLED),
                        s.getBoolean(ServingSettings.ACCESS_LOG)),
                s.getBoolean(ServingSettings.CONSOLE_ENABLED),
                s.getLong(ServingSettings.POLL_INTERVAL_MS),
                s.getLong(ServingSettings.SHUTDOWN_TIMEOUT_MS),
                batching,
                defaults,
                perModel(s.get(ServingSettings.BATCH_PER_MODEL), batching, maxQueueRows));
    }

    /** Batching limits per model: the defaults, overridden by {@code batching.per.model} entries. */
    public BatchingConfig batching(String model) {
        return batchingPerModel.getOrDefault(model, batchingDefaults);
    }

    private static Map<String, BatchingConfig> perModel(String text, boolean enabled, long maxQueueRows) {
        Map<String, BatchingConfig> perModel = new HashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] f = entry.strip().split(":");
            try {
                perModel.put(
                        ModelNames.validate("batching.per.model name", f[0]),
                        new BatchingConfig(enabled, Integer.parseInt(f[1]), Long.parseLong(f[2]), maxQueueRows));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        ServingSettings.BATCH_PER_MODEL + " entries must be name:maxRows:maxDelayMicros but was '"
                                + entry + "'",
                        e);
            }
        }
        return perModel;
    }
}
