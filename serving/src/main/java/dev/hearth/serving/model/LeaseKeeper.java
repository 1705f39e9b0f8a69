package dev.hearth.serving.model;

import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the store which version this server has loaded for each model by writing a lease (renewed at half its
 * time to live), so the store's garbage collection never deletes a version a running server answers from. A
 * crashed server's leases simply expire.
 */
public final class LeaseKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ModelStore store;
    private final String holder;
    private final Duration ttl;
    private final Map<String, Integer> leased = new HashMap<>();
    private final Map<String, Long> writtenAt = new HashMap<>();

    /**
     * @param ttl how long a lease protects its version without renewal; 0 disables leases
     */
    public LeaseKeeper(ModelStore store, String holder, Duration ttl) {
        this.store = store;
        this.holder = holder;
        this.ttl = ttl;
    }

    /** A holder id for this process that follows the store's naming rule, e.g. {@code serving-host1-4242}. */
    public static String processHolder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        String pid = Long.toString(ManagementFactory.getRuntimeMXBean().getPid());
        String id = ("serving-" + host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + "-" + pid);
        return id.length() <= 64 ? id : id.substring(0, 55) + "-" + pid;
    }

    /** Writes or renews leases for the served versions ({@code 0} = nothing served) and drops stale ones. */
    public synchronized void renew(Map<String, Integer> served) {
        if (ttl.isZero()) {
            return;
        }
        long now = System.currentTimeMillis();
        served.forEach((name, version) -> {
            Integer previous = leased.get(name);
            try {
                if (version == 0) {
                    if (previous != null) {
                        store.releaseLease(name, holder);
                        leased.remove(name);
                        writtenAt.remove(name);
                    }
                } else if (!version.equals(previous) || now - writtenAt.getOrDefault(name, 0L) >= ttl.toMillis() / 2) {
                    store.writeLease(name, holder, version, ttl);
                    leased.put(name, version);
                    writtenAt.put(name, now);
                }
            } catch (ModelStoreException e) {
                LOG.warn("Could not write the lease of {} on {} version {}: {}", holder, name, version, e.getMessage());
            }
        });
    }

    /** Releases every lease this server holds (on shutdown). */
    public synchronized void releaseAll() {
        for (String name : leased.keySet()) {
            try {
                store.releaseLease(name, holder);
            } catch (ModelStoreException e) {
                LOG.warn("Could not release the lease of {} on {}: {}", holder, name, e.getMessage());
            }
        }
        leased.clear();
        writtenAt.clear();
    }

    public String holder() {
        return holder;
    }
}
