package dev.hearth.serving.model;

import dev.hearth.store.Lease;
import dev.hearth.store.ModelStore;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the store which version this server has loaded for each model by writing a lease, so the store's garbage
 * collection never deletes a version a running server answers from. A crashed server's leases simply expire.
 *
 * <p>Leases are renewed on the keeper's own timer ({@link #start}), every {@code renewEvery} (default a third of
 * the time to live), whatever the store polling does: with {@code serving.poll.interval.ms=0} or a poll stuck
 * in a long load they still do not lapse. The interval must leave room for a failed renewal to be retried before
 * the lease expires ({@code renewEvery <= ttl / 2}); a configuration that cannot renew in time is refused.
 * {@link #renew} (called by every registry refresh) writes the lease of a newly served version at once.
 */
public final class LeaseKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    /** Shortest time to live: store writes (HDFS, S3) must fit several times into it. */
    static final Duration MIN_TTL = Duration.ofSeconds(1);
    /** Shortest renewal interval, so a misconfiguration cannot turn renewal into a busy loop on the store. */
    static final Duration MIN_RENEW = Duration.ofMillis(100);

    private final ModelStore store;
    private final String holder;
    private final Duration ttl;
    private final Duration renewEvery;
    private final Map<String, Integer> leased = new HashMap<>();
    private final Map<String, Long> writtenAt = new HashMap<>();
    /** Last failure logged per model, so an outage is logged once per model, not on every renewal. */
    private final Map<String, String> problems = new HashMap<>();

    private final ScheduledExecutorService timer;

    /**
     * @param ttl how long a lease protects its version without renewal; 0 disables leases
     * @param renewEvery how often leases are renewed; 0 for a third of {@code ttl}
     * @throws IllegalArgumentException when the durations cannot work together (the message names the settings)
     */
    public LeaseKeeper(ModelStore store, String holder, Duration ttl, Duration renewEvery) {
        this.store = store;
        this.holder = holder;
        this.ttl = ttl;
        this.renewEvery = checkedInterval(ttl, renewEvery);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hearth-lease-renewer");
            t.setDaemon(true);
            return t;
        });
    }

    private static Duration checkedInterval(Duration ttl, Duration renewEvery) {
        if (ttl.isZero()) {
            return Duration.ZERO;
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(Lease.MAX_TTL) > 0) {
            throw new IllegalArgumentException("serving.lease.ttl.ms must be 0 (no leases) or between "
                    + MIN_TTL.toMillis() + " and " + Lease.MAX_TTL.toMillis() + " but was " + ttl.toMillis());
        }
        if (renewEvery.isZero()) {
            return Duration.ofMillis(ttl.toMillis() / 3);
        }
        Duration most = Duration.ofMillis(ttl.toMillis() / 2);
        if (renewEvery.isNegative() || renewEvery.compareTo(MIN_RENEW) < 0 || renewEvery.compareTo(most) > 0) {
            throw new IllegalArgumentException("serving.lease.renew.ms must be 0 (a third of serving.lease.ttl.ms) "
                    + "or between " + MIN_RENEW.toMillis() + " and serving.lease.ttl.ms / 2 = " + most.toMillis()
                    + " (so a failed renewal is retried before the lease expires) but was " + renewEvery.toMillis());
        }
        return renewEvery;
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

    /** The version each model of {@code registry} serves now ({@code 0}: none), for {@link #start}. */
    public static Map<String, Integer> servedVersions(ModelRegistry registry) {
        Map<String, Integer> served = new LinkedHashMap<>();
        for (String name : registry.names()) {
            served.put(name, registry.slot(name).currentVersion());
        }
        return served;
    }

    /**
     * Starts renewing on the keeper's own thread every {@link #renewEvery()}, asking {@code served} each time what
     * is served (no-op when leases are off). Anything a renewal throws is logged and the next one runs on time.
     */
    public void start(Supplier<Map<String, Integer>> served) {
        if (ttl.isZero()) {
            LOG.info("Leases are off (serving.lease.ttl.ms=0)");
            return;
        }
        long every = renewEvery.toMillis();
        timer.scheduleAtFixedRate(() -> renewFrom(served), every, every, TimeUnit.MILLISECONDS);
        LOG.info("Renewing leases of {} every {} ms (time to live {} ms)", holder, every, ttl.toMillis());
    }

    private void renewFrom(Supplier<Map<String, Integer>> served) {
        try {
            // What is served is read under the keeper's monitor: a snapshot taken before a swap and written after
            // the swap's own renewal would put the old version's lease back (the served set is lock-free to read).
            synchronized (this) {
                renew(served.get(), true);
            }
            synchronized (this) {
                if (problems.remove("*") != null) {
                    LOG.info("Renewing leases works again");
                }
            }
        } catch (Throwable t) {
            // A scheduled task that throws is never run again: nothing may end renewal.
            logOnce("*", "Renewing leases failed (renewal goes on): " + t, t);
        }
    }

    /** Writes leases of newly served versions, renews those due and drops those of models no longer served. */
    public void renew(Map<String, Integer> served) {
        renew(served, false);
    }

    private synchronized void renew(Map<String, Integer> served, boolean timerTick) {
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
                } else if (timerTick
                        || !version.equals(previous)
                        || now - writtenAt.getOrDefault(name, 0L) >= renewEvery.toMillis()) {
                    store.writeLease(name, holder, version, ttl);
                    leased.put(name, version);
                    writtenAt.put(name, now);
                }
                if (problems.remove(name) != null) {
                    LOG.info("Lease of {} on {} written again", holder, name);
                }
            } catch (RuntimeException e) {
                logOnce(
                        name,
                        "Could not write the lease of " + holder + " on " + name + " version " + version
                                + " (retried every " + renewEvery.toMillis() + " ms): " + e.getMessage(),
                        null);
            }
        });
    }

    private synchronized void logOnce(String key, String message, Throwable t) {
        if (!message.equals(problems.put(key, message))) {
            LOG.warn(message, t);
        }
    }

    /** Stops renewing and releases every lease this server holds (on shutdown). */
    public void releaseAll() {
        // Outside the monitor: a renewal in progress holds it, and we wait for that renewal to end.
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (String name : leased.keySet()) {
                try {
                    store.releaseLease(name, holder);
                } catch (RuntimeException e) {
                    LOG.warn("Could not release the lease of {} on {}: {}", holder, name, e.getMessage());
                }
            }
            leased.clear();
            writtenAt.clear();
        }
    }

    public String holder() {
        return holder;
    }

    /** How often leases are renewed (0 when leases are off). */
    public Duration renewEvery() {
        return renewEvery;
    }
}
