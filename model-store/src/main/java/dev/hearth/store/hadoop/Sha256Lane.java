package dev.hearth.store.hadoop;

import dev.hearth.store.Sha256;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SHA-256 of a byte sequence handed over in ranges and computed on a helper thread, so that hashing a large file
 * overlaps reading or writing it (SHA-256 runs about as fast as reading or writing through the page cache, so done
 * one after the other they take about twice as long; figures in bench/RESULTS.md). Ranges are hashed in the order given; the caller must leave a range
 * unchanged until {@link #await()} returns. Small files never start the thread: ranges below {@value #ASYNC_MIN}
 * bytes are hashed inline until a large one arrives.
 */
final class Sha256Lane implements AutoCloseable {
    /** Smallest range worth a hand-over to the helper thread. */
    static final int ASYNC_MIN = 256 * 1024;

    private final MessageDigest digest = Sha256.newDigest();
    private ExecutorService helper;
    private Future<?> last;

    /** Adds {@code b[off, off + len)} to the hash, possibly later on the helper thread. */
    void update(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        if (helper == null && len < ASYNC_MIN) {
            digest.update(b, off, len);
            return;
        }
        if (helper == null) {
            helper = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "hearth-sha256");
                t.setDaemon(true);
                return t;
            });
        }
        last = helper.submit(() -> digest.update(b, off, len));
    }

    /** Waits until every range handed over so far is hashed; the caller may then reuse those arrays. */
    void await() throws InterruptedIOException {
        if (last == null) {
            return;
        }
        try {
            last.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for SHA-256");
        } catch (ExecutionException e) {
            throw new IllegalStateException("SHA-256 failed", e.getCause());
        }
    }

    /** Lower-case hex SHA-256 of everything handed over; call once, after the last {@link #update}. */
    String hex() throws InterruptedIOException {
        await();
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Stops the helper thread; ranges not yet hashed are dropped. */
    @Override
    public void close() {
        if (helper != null) {
            helper.shutdownNow();
        }
    }
}
