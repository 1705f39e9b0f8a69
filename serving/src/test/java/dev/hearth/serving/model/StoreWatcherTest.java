package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The watcher keeps polling whatever a refresh throws, Errors included. */
class StoreWatcherTest {
    @Test
    void anErrorThrownByARefreshDoesNotEndPolling() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        Runnable refresh = () -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new OutOfMemoryError("injected: Java heap space");
            }
            if (n == 2) {
                throw new StackOverflowError("injected");
            }
            if (n == 3) {
                throw new IllegalStateException("injected");
            }
            succeeded.incrementAndGet();
        };
        try (StoreWatcher watcher = new StoreWatcher(refresh, 10)) {
            watcher.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> succeeded.get() >= 3);
            assertThat(watcher.failures()).isEqualTo(3);
            assertThat(watcher.polls()).isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void aRefreshThatAlwaysFailsIsStillPolledOnSchedule() {
        AtomicInteger calls = new AtomicInteger();
        try (StoreWatcher watcher = new StoreWatcher(
                () -> {
                    calls.incrementAndGet();
                    throw new AssertionError("injected, every time");
                },
                10)) {
            watcher.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> calls.get() >= 5);
            assertThat(watcher.failures()).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void anIntervalOfZeroNeverPolls() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        try (StoreWatcher watcher = new StoreWatcher(calls::incrementAndGet, 0)) {
            watcher.start();
            Thread.sleep(100);
        }
        assertThat(calls.get()).isZero();
    }
}
