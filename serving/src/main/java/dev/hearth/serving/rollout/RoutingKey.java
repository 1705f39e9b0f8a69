package dev.hearth.serving.rollout;

import java.nio.charset.StandardCharsets;

/**
 * Maps a caller's routing key to one of {@link #BUCKETS} buckets, the same on every replica and across restarts,
 * so one caller sticks to one version. A canary of p % takes the buckets below {@code p * 100}: raising p only
 * moves callers from the primary to the canary, never back.
 */
public final class RoutingKey {
    /** Buckets, so a weight has two decimals of a percent. */
    public static final int BUCKETS = 10_000;

    private RoutingKey() {}

    /** The key's bucket in {@code [0, BUCKETS)}: FNV-1a over its UTF-8 bytes, then a 64-bit finalizer (mixing). */
    public static int bucket(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) Long.remainderUnsigned(h, BUCKETS);
    }

    /** Whether the bucket falls in a canary of {@code percent}. */
    public static boolean inCanary(int bucket, double percent) {
        return bucket < Math.round(percent * (BUCKETS / 100));
    }
}
