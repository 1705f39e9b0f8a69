package dev.hearth.serving.http;

import java.util.Arrays;

/**
 * The feature values of one request, stored as they are read: the array starts at one row and doubles as values
 * arrive, never beyond a cap (the declared rows, at most {@code server.max.rows}, times the model's width), and
 * every array is charged to the request's {@link RequestBytes} before it is allocated. What a request declares
 * therefore never allocates anything by itself; only values that actually arrived do.
 */
final class FeatureBuffer {
    /** Longest array the JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static final float[] EMPTY = new float[0];

    private final RequestBytes account;
    private final int firstCapacity;
    private long cap;
    private float[] values = EMPTY;
    private int size;

    /**
     * @param firstCapacity values of the first array (one row)
     * @param cap most values stored; later ones are counted by the caller, not stored
     */
    FeatureBuffer(RequestBytes account, int firstCapacity, long cap) {
        this.account = account;
        this.firstCapacity = Math.max(1, firstCapacity);
        cap(cap);
    }

    /** Sets the most values stored from now on (values already stored stay). */
    void cap(long cap) {
        this.cap = Math.max(size, Math.min(cap, MAX_ARRAY));
    }

    /** Stores {@code v}; false (nothing stored) when the cap is reached. */
    boolean add(float v) {
        if (size >= cap) {
            return false;
        }
        if (size == values.length) {
            grow();
        }
        values[size++] = v;
        return true;
    }

    /** Values stored. */
    int size() {
        return size;
    }

    /** Length of the array held now (for tests). */
    int capacity() {
        return values.length;
    }

    private void grow() {
        int next = (int) Math.min(cap, Math.max((long) firstCapacity, 2L * values.length));
        values = resize(next);
    }

    private float[] resize(int length) {
        float[] old = values;
        account.charge(4L * length);
        float[] grown = Arrays.copyOf(old, length);
        account.release(4L * old.length);
        return grown;
    }

    /** The stored values as an array of exactly their number (no copy when the array is already that long). */
    float[] toArray() {
        if (values.length != size) {
            values = resize(size);
        }
        return values;
    }
}
