package dev.hearth.serving.http;

import java.util.Arrays;

/**
 * The values of one named input tensor, stored as they are read (as doubles: every FP32 value, every INT32 value
 * and every INT64 value JSON carries exactly, i.e. within ±2^53), growing from a small array by doubling, never
 * beyond a cap, and charged to the request's {@link RequestBytes} before each array is allocated: what a request
 * declares never allocates anything by itself, only values that arrived do.
 */
final class TensorValues {
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int FIRST_CAPACITY = 64;
    private static final double[] EMPTY = new double[0];

    private final RequestBytes account;
    private long cap;
    private double[] values = EMPTY;
    private int size;

    /** @param cap most values stored; later ones are counted by the caller, not stored */
    TensorValues(RequestBytes account, long cap) {
        this.account = account;
        this.cap = Math.min(Math.max(0, cap), MAX_ARRAY);
    }

    /** Lowers the cap (values already stored stay). */
    void cap(long cap) {
        this.cap = Math.max(size, Math.min(this.cap, Math.max(0, cap)));
    }

    /** Stores {@code v}; false (nothing stored) when the cap is reached. */
    boolean add(double v) {
        if (size >= cap) {
            return false;
        }
        if (size == values.length) {
            int next = (int) Math.min(cap, Math.max(FIRST_CAPACITY, 2L * values.length));
            double[] old = values;
            account.charge(8L * next);
            values = Arrays.copyOf(old, next);
            account.release(8L * old.length);
        }
        values[size++] = v;
        return true;
    }

    int size() {
        return size;
    }

    double get(int i) {
        return values[i];
    }

    /** Frees the array (the typed copy has been made) and gives its bytes back to the account. */
    void release() {
        account.release(8L * values.length);
        values = EMPTY;
        size = 0;
    }
}
