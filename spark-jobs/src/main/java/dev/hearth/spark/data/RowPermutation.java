package dev.hearth.spark.data;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * A seeded pseudo-random permutation of {@code [0, n)}: row {@code i} of the epoch moves to position
 * {@link #apply(long) apply(i)}. Computed row by row on the executors, without a sort or a driver-side table: a
 * balanced Feistel network over the smallest even-bit power of two covering {@code n}, cycle-walked back into range
 * (a bijection on the larger domain restricted this way stays a bijection on {@code [0, n)}; fewer than four steps
 * on average).
 */
public final class RowPermutation implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int ROUNDS = 6;

    private final long n;
    private final int halfBits;
    private final long halfMask;
    private final long[] keys = new long[ROUNDS];

    /** The permutation for {@code seed} and {@code epoch}: the same pair always gives the same order. */
    public RowPermutation(long n, long seed, int epoch) {
        if (n <= 0) {
            throw new IllegalArgumentException("a permutation needs at least one row, not " + n);
        }
        this.n = n;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        bits += bits & 1;
        this.halfBits = bits / 2;
        this.halfMask = (1L << halfBits) - 1;
        SplittableRandom random = new SplittableRandom(mix(seed) ^ mix(0x5DEECE66DL + epoch));
        for (int r = 0; r < ROUNDS; r++) {
            keys[r] = random.nextLong();
        }
    }

    /** Rows permuted. */
    public long size() {
        return n;
    }

    /** The position of row {@code index}. */
    public long apply(long index) {
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("row index " + index + " is outside [0, " + n + ")");
        }
        long x = index;
        do {
            x = encrypt(x);
        } while (x >= n);
        return x;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (long key : keys) {
            long next = left ^ (mix(right ^ key) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** A 64-bit finaliser with full avalanche (every input bit flips each output bit with probability ~1/2). */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
