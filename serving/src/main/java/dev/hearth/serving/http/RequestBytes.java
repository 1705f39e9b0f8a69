package dev.hearth.serving.http;

import dev.hearth.serving.model.OverloadedException;

/**
 * The bytes one request holds (body bytes received, parsed values), charged against the server-wide budget of
 * {@link InFlight} before they are allocated. A charge that does not fit fails the request at once with
 * {@link OverloadedException} (503, Retry-After); closing the account, when the request ends, gives back all it holds.
 * Used by the request's own thread only.
 */
final class RequestBytes implements AutoCloseable {
    /** What a refused client is told to wait before retrying, in seconds. */
    static final long RETRY_AFTER_SECONDS = 1;

    private final InFlight budget;
    private long held;
    private long peak;

    RequestBytes(InFlight budget) {
        this.budget = budget;
    }

    /** Takes {@code n} more bytes for this request, or refuses the request when the server holds too much. */
    void charge(long n) {
        if (!budget.tryTake(n)) {
            throw overloaded(n);
        }
        held += n;
        peak = Math.max(peak, held);
    }

    /** Refuses the request now if {@code n} more bytes would not fit (takes nothing). */
    void expect(long n) {
        if (!budget.fits(n)) {
            throw overloaded(n);
        }
    }

    /** Gives back {@code n} of the bytes this request holds. */
    void release(long n) {
        long back = Math.min(n, held);
        held -= back;
        budget.give(back);
    }

    /** Bytes held now. */
    long held() {
        return held;
    }

    /** Most bytes held at once so far. */
    long peak() {
        return peak;
    }

    private OverloadedException overloaded(long n) {
        return new OverloadedException(
                "requests in flight hold " + budget.bytes() + " bytes; " + n + " more for this request would exceed "
                        + budget.maxBytes() + " (server.max.inflight.bytes)",
                RETRY_AFTER_SECONDS);
    }

    @Override
    public void close() {
        release(held);
    }
}
