package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/** The limits' validation and the thread pool they build: at most {@code maxThreads}, then a bounded queue. */
class ServerLimitsTest {
    @Test
    void thePoolRefusesWorkPastItsThreadsAndQueue() throws Exception {
        QueuedThreadPool pool = (QueuedThreadPool) new ServerLimits(30_000, 10_000, 0, 10, 8, 3).threadPool();
        pool.setReservedThreads(0);
        pool.start();
        CountDownLatch release = new CountDownLatch(1);
        try {
            assertThat(pool.getMaxThreads()).isEqualTo(8);
            AtomicInteger running = new AtomicInteger();
            int accepted = 0;
            try {
                for (int i = 0; i < 100; i++) {
                    pool.execute(() -> {
                        running.incrementAndGet();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    accepted++;
                    // Let an idle thread take the job, so the queue holds only what no thread can run.
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    while (running.get() < Math.min(accepted, 8) && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                }
            } catch (RejectedExecutionException e) {
                // expected once 8 threads are busy and 3 jobs wait
            }
            assertThat(accepted).isEqualTo(8 + 3);
        } finally {
            release.countDown();
            pool.stop();
        }
    }

    @Test
    void badLimitsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new ServerLimits(0, 10_000, 0, 10, 8, 3))
                .hasMessage("server.idle.timeout.ms must be > 0 but was 0");
        assertThatThrownBy(() -> new ServerLimits(1, -5, 0, 10, 8, 3))
                .hasMessage("server.header.timeout.ms must be > 0 but was -5");
        assertThatThrownBy(() -> new ServerLimits(1, 1, -1, 10, 8, 3))
                .hasMessageContaining("server.min.request.data.rate must be >= 0");
        assertThatThrownBy(() -> new ServerLimits(1, 1, 0, 10, 7, 3))
                .hasMessageContaining("server.threads.max must be >= 8")
                .hasMessageContaining("was 7");
        assertThatThrownBy(() -> new ServerLimits(1, 1, 0, 10, 8, 0))
                .hasMessage("server.threads.queue must be > 0 but was 0");
    }
}
