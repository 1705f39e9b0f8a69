package dev.hearth.serving.rollout;

import dev.hearth.config.Settings;
import dev.hearth.serving.ServingSettings;
import dev.hearth.serving.model.BatchingConfig;
import dev.hearth.serving.model.LeaseKeeper;
import dev.hearth.serving.model.ModelEvents;
import dev.hearth.serving.model.ModelLoader;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.ServingPolicy;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ShadowSummaries;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Builds and starts a server's {@link Rollout} from its settings (the one place that reads the rollout keys). */
public final class RolloutWiring {
    private RolloutWiring() {}

    /**
     * Builds the rollouts (not started: see {@link #start}); bad shadow or replica settings are refused here.
     *
     * @param holder the lease holder of this server; targets lease as {@code holder.<alias>} / {@code holder.v<N>}
     * @param events where target registries report batches and loads (not new slots: the model's gauges exist)
     */
    public static Rollout create(
            Settings settings,
            ModelStore store,
            ModelLoader loader,
            Function<String, BatchingConfig> batching,
            ModelEvents events,
            MeterRegistry meters,
            ModelRegistry primary,
            String holder,
            ShadowSummaries summaries) {
        String file = settings.get(ServingSettings.ROLLOUT_FILE);
        RolloutSource source =
                new RolloutSource(settings.get(ServingSettings.ROLLOUT), file.isBlank() ? null : Path.of(file));
        Duration ttl = Duration.ofMillis(settings.getLong(ServingSettings.LEASE_TTL_MS));
        Duration renew = Duration.ofMillis(settings.getLong(ServingSettings.LEASE_RENEW_MS));
        long budget = settings.getLong(ServingSettings.OFFHEAP_BUDGET);
        ModelEvents targetEvents = new ModelEvents() {
            @Override
            public void batchExecuted(String model, int requests, int rows) {
                events.batchExecuted(model, requests, rows);
            }

            @Override
            public void loaded(String model, int version, long nanos) {
                events.loaded(model, version, nanos);
            }

            @Override
            public void loadFailed(String model, int version, String reason) {
                events.loadFailed(model, version, reason);
            }
        };
        Function<ServingPolicy, ModelRegistry> factory = policy -> {
            LeaseKeeper leases = new LeaseKeeper(store, targetHolder(holder, policy), ttl, renew);
            ModelRegistry r =
                    new ModelRegistry(store, loader, List.of(policy), batching, 1, false, budget, targetEvents, leases);
            leases.start(() -> LeaseKeeper.servedVersions(r));
            return r;
        };
        String replica = settings.get(ServingSettings.REPLICA_ID);
        if (!replica.isBlank()) {
            dev.hearth.store.ModelNames.validate(ServingSettings.REPLICA_ID, replica);
        }
        Rollout rollout = new Rollout(
                primary,
                source,
                new RolloutTargets(factory),
                new ShadowRunner(
                        settings.getInt(ServingSettings.SHADOW_THREADS, 1),
                        settings.getInt(ServingSettings.SHADOW_QUEUE, 1)),
                new ShadowStats(meters),
                summaries,
                replica.isBlank() ? holder : replica,
                settings.getLong(ServingSettings.REQUEST_TIMEOUT_MS),
                meters);
        return rollout;
    }

    /**
     * Starts the rollouts once the server's own models were resolved: targets are loaded before this returns; an
     * entry naming a model the server does not serve, or a bad entry, stops the start with its name.
     */
    public static void start(Rollout rollout, Settings settings) {
        try {
            rollout.start(
                    settings.getLong(ServingSettings.POLL_INTERVAL_MS),
                    settings.getLong(ServingSettings.SHADOW_PERSIST_MS));
        } catch (RuntimeException e) {
            rollout.close();
            throw e;
        }
    }

    /** A lease holder name for a target, within the store's 64-character name rule. */
    static String targetHolder(String holder, ServingPolicy policy) {
        String suffix = "." + (policy.kind() == ServingPolicy.Kind.ALIAS ? policy.alias() : "v" + policy.version());
        suffix = suffix.length() > 24 ? suffix.substring(0, 24) : suffix;
        String base = holder.length() + suffix.length() > 64 ? holder.substring(0, 64 - suffix.length()) : holder;
        return base + suffix;
    }
}
