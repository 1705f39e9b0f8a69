package dev.hearth.store;

import java.time.Duration;
import java.time.Instant;

/**
 * A serving process's claim that it has a version loaded; garbage collection keeps leased versions until the
 * lease expires. Servers renew leases well before {@code expiresAt}. A lease protects for at most {@link #MAX_TTL}
 * after it was written: an unreadable lease file counts as expiring then (by the file's modification time).
 *
 * @param model model name
 * @param holder holder id (e.g. {@code serving-host1-8080}), following the naming rule
 * @param version the loaded version
 * @param expiresAt ISO-8601 instant after which the lease no longer protects the version
 */
public record Lease(String model, String holder, int version, String expiresAt) {
    /** The longest time to live a lease may have. */
    public static final Duration MAX_TTL = Duration.ofHours(1);

    /** Whether the lease still protects its version at {@code now}. */
    public boolean activeAt(Instant now) {
        return Instant.parse(expiresAt).isAfter(now);
    }
}
