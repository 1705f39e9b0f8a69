package dev.hearth.store;

import java.time.Duration;

/**
 * What garbage collection keeps: the newest {@code keepLast} committed versions, every version younger than
 * {@code keepYoungerThan}, every version an alias points to or an unexpired lease holds. Leftovers of crashed
 * publishes (staging directories, uncommitted version directories) are removed once older than {@code grace}.
 *
 * @param keepLast how many of the newest versions to keep, at least 1
 * @param keepYoungerThan versions created less than this long ago are kept
 * @param grace how old a leftover must be before it is removed; protects publishes still running
 */
public record RetentionPolicy(int keepLast, Duration keepYoungerThan, Duration grace) {
    /** The default: keep the last 5 versions and 30 days, remove leftovers older than 1 hour. */
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(5, Duration.ofDays(30), Duration.ofHours(1));

    /** Checks the policy's fields. */
    public RetentionPolicy {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be >= 1 but was " + keepLast);
        }
        if (keepYoungerThan == null || keepYoungerThan.isNegative()) {
            throw new IllegalArgumentException("keepYoungerThan must be >= 0 but was " + keepYoungerThan);
        }
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("grace must be >= 0 but was " + grace);
        }
    }
}
