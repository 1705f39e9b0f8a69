package dev.hearth.store;

import java.time.Instant;

/**
 * A serving process's claim that it has a version loaded; garbage collection keeps leased versions until the
 * lease expires. Servers renew leases well before {@code expiresAt}.
 *
 * @param model model name
 * @param holder holder id (e.g. {@code serving-host1-8080}), following the naming rule
 * @param version the loaded version
 * @param expiresAt ISO-8601 instant after which the lease no longer protects the version
 */
public record Lease(String model, String holder, int version, String expiresAt) {
    /** Whether the lease still protects its version at {@code now}. */
    public boolean activeAt(Instant now) {
        return Instant.parse(expiresAt).isAfter(now);
    }
}
