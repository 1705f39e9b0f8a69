package dev.hearth.store.crypto;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one helper thread of an encrypting or decrypting stream: it seals (or reads and opens) chunks ahead of the
 * stream's caller, one task at a time and in the order submitted, so a stream's chunk state needs no locks. The
 * thread is a daemon, starts with the first task, ends after {@value #IDLE_SECONDS} s without work (a stream its
 * caller forgets to close leaks nothing for long) and at once on {@link #stop()}. Task failures reach the caller
 * through {@link #await(Future)} as the {@link IOException} the task threw.
 */
final class ChunkWorker {
    /** How long an idle helper thread lives. */
    static final int IDLE_SECONDS = 5;
    /** How long {@link #stop()} waits for a running task (a blocked read of a remote file) to notice. */
    private static final long STOP_WAIT_MS = 5_000;

    private final ThreadPoolExecutor executor;

    /** @param threadName name of the helper thread (thread dumps and leak checks find it by this name) */
    ChunkWorker(String threadName) {
        executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code task} on the helper thread after every task submitted before it. */
    <T> Future<T> submit(Callable<T> task) throws IOException {
        try {
            return executor.submit(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("the stream's helper thread is stopped", e);
        }
    }

    /** The result of {@code f}, or the exception its task threw (an {@link IOException} as it is). */
    static <T> T await(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new InterruptedIOException("interrupted while waiting for a chunk");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } catch (java.util.concurrent.CancellationException e) {
            throw new IOException("a chunk task was cancelled: the stream was closed", e);
        }
    }

    /**
     * Drops queued tasks, interrupts a running one and waits (bounded) until the thread has ended, so nothing touches
     * the stream's buffers or the caller's arrays afterwards. Idempotent.
     */
    void stop() {
        executor.shutdownNow();
        boolean interrupted = false;
        try {
            executor.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the helper thread has ended (after {@link #stop()}). */
    boolean stopped() {
        return executor.isTerminated();
    }
}
