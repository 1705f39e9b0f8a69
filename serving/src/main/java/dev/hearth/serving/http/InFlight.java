package dev.hearth.serving.http;

import io.javalin.http.Context;
import java.util.concurrent.TimeUnit;

/**
 * Counts requests being handled so shutdown can drain them: once draining, new requests get 503 while the
 * ones already in flight finish.
 */
public final class InFlight {
    private final Object lock = new Object();
    private int count;
    private boolean draining;

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
}
