package dev.hearth.store;

import java.time.Instant;

/**
 * An exclusive, expiring lock on one purpose of a model (for example {@code retrain}), held in the store so that it
 * works across processes and machines. A lock is stored as {@code <name>/locks/<purpose>/<seq>.json}; the highest
 * sequence number is the current lock. Acquiring creates sequence {@code head + 1} exclusively, which only one
 * contender can win; releasing deletes the holder's own file; an expired head may be superseded the same way, so
 * a crashed holder blocks others for at most its time to live.
 *
 * @param model model name
 * @param purpose what the lock protects, following the naming rule
 * @param seq sequence number of this acquisition
 * @param token random id of this acquisition (only the acquirer knows it)
 * @param holder free text naming the holder (job and run)
 * @param host host name of the holder
 * @param pid process id of the holder
 * @param acquiredAt ISO-8601 instant of acquisition
 * @param expiresAt ISO-8601 instant after which others may take the lock over
 */
public record StoreLock(
        String model,
        String purpose,
        long seq,
        String token,
        String holder,
        String host,
        long pid,
        String acquiredAt,
        String expiresAt) {
    /** Whether the lock still excludes others at {@code now}. */
    public boolean activeAt(Instant now) {
        return Instant.parse(expiresAt).isAfter(now);
    }

    /** One line for messages: holder, host, pid and expiry. */
    public String describe() {
        return "held by " + holder + " (pid " + pid + " on " + host + ") since " + acquiredAt + ", expires "
                + expiresAt;
    }
}
