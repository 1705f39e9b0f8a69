package dev.hearth.serving.http;

import io.javalin.http.Context;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the requests being handled hold: their number, so shutdown can drain them (once draining, new requests get
 * 503 while the ones already in flight finish), and their bytes, against a server-wide budget
 * ({@code server.max.inflight.bytes}) that each request charges through its own {@link RequestBytes} account.
 */
public final class InFlight {
    private final Object lock = new Object();
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private int count;
    private boolean draining;

    /** @param maxBytes most bytes all requests in flight may hold together ({@code server.max.inflight.bytes}) */
    public InFlight(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("server.max.inflight.bytes must be >= 1 but was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Javalin before handler: counts the request in, or refuses it while draining. */
    void enter(Context ctx) {
        synchronized (lock) {
            if (draining) {
                throw new ServiceUnavailableException("the server is shutting down");
            }
            count++;
        }
        ctx.attribute(AccessLog.STARTED, System.nanoTime());
        ctx.attribute("hearth.inflight", Boolean.TRUE);
    }

    /** Called once per finished request. */
    void leave(Context ctx) {
        if (ctx.attribute("hearth.inflight") == null) {
            return;
        }
        synchronized (lock) {
            count--;
            lock.notifyAll();
        }
    }

    /** Refuses new requests and waits until in-flight ones finished; false when the timeout passed first. */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            draining = true;
            while (count > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return true;
        }
    }

    /** Requests being handled now. */
    public int count() {
        synchronized (lock) {
            return count;
        }
    }

    /** A new account for one request's bytes; closing it gives them back. */
    RequestBytes account() {
        return new RequestBytes(this);
    }

    /** Takes {@code n} bytes of the budget if they fit; false (and nothing taken) otherwise. */
    boolean tryTake(long n) {
        while (true) {
            long held = bytes.get();
            if (held + n > maxBytes) {
                return false;
            }
            if (bytes.compareAndSet(held, held + n)) {
                return true;
            }
        }
    }

    /** Whether {@code n} more bytes would fit now (nothing taken). */
    boolean fits(long n) {
        return bytes.get() + n <= maxBytes;
    }

    /** Gives back {@code n} bytes taken before. */
    void give(long n) {
        bytes.addAndGet(-n);
    }

    /** Bytes held by requests in flight now. */
    public long bytes() {
        return bytes.get();
    }

    /** The budget, {@code server.max.inflight.bytes}. */
    public long maxBytes() {
        return maxBytes;
    }
}
