package dev.hearth.serving.rollout;

import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.ModelSlot;
import dev.hearth.serving.model.ServingPolicy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions rollouts route to, kept loaded: one {@link ModelRegistry} per target policy ({@code iris@canary},
 * {@code iris/7}), so a target is loaded, verified, warmed up, hot-swapped, leased and refused exactly as the
 * model's own version is. Targets no rollout names any more are closed.
 */
final class RolloutTargets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutTargets.class);

    private final Function<ServingPolicy, ModelRegistry> factory;
    private final Map<ServingPolicy, ModelRegistry> registries = new ConcurrentHashMap<>();

    /** @param factory a new registry serving exactly one policy */
    RolloutTargets(Function<ServingPolicy, ModelRegistry> factory) {
        this.factory = factory;
    }

    /** Opens registries for new targets, closes those of targets no longer wanted, and refreshes every one. */
    synchronized void sync(Set<ServingPolicy> wanted) {
        for (ServingPolicy p : Map.copyOf(registries).keySet()) {
            if (!wanted.contains(p)) {
                ModelRegistry gone = registries.remove(p);
                gone.close();
                LOG.info("Rollout target {} closed", p);
            }
        }
        for (ServingPolicy p : wanted) {
            registries.computeIfAbsent(p, q -> {
                LOG.info("Rollout target {} opened", q);
                return factory.apply(q);
            });
        }
        Map<ServingPolicy, ModelRegistry> now = new HashMap<>(registries);
        now.values().forEach(ModelRegistry::refresh);
    }

    /** The slot serving {@code policy}, or null when it is not a target. */
    ModelSlot slot(ServingPolicy policy) {
        ModelRegistry r = registries.get(policy);
        return r == null ? null : r.slot(policy.name());
    }

    @Override
    public synchronized void close() {
        registries.values().forEach(ModelRegistry::close);
        registries.clear();
    }
}
