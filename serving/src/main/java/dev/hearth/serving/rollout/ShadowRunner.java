package dev.hearth.serving.rollout;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded executor shadow runs use: a fixed number of threads and a bounded queue; work that does not fit is
 * dropped at once (the caller counts it), so shadowing can never hold up or fail a request's answer.
 */
public final class ShadowRunner implements AutoCloseable {
    private final ThreadPoolExecutor executor;

    /**
     * @param threads shadow threads ({@code serving.shadow.threads}, at least 1)
     * @param queue most tasks waiting ({@code serving.shadow.queue}, at least 1)
     */
    public ShadowRunner(int threads, int queue) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("serving.shadow.threads must be between 1 and 64 but was " + threads);
        }
        if (queue < 1 || queue > 100_000) {
            throw new IllegalArgumentException("serving.shadow.queue must be between 1 and 100000 but was " + queue);
        }
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "hearth-shadow-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues {@code task}; false (and nothing queued) when the queue is full or the runner is closed. */
    public boolean offer(Runnable task) {
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Tasks waiting now. */
    public int queued() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
