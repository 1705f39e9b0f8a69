package dev.hearth.serving.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shadow executor never blocks its caller: work that does not fit is refused at once (and counted by it). */
class ShadowRunnerTest {
    @Test
    void aFullQueueRefusesAtOnceInsteadOfBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try (ShadowRunner runner = new ShadowRunner(1, 1)) {
            assertThat(runner.offer(() -> {
                        running.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }))
                    .isTrue();
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(runner.offer(() -> {})).as("one waits in the queue").isTrue();
            long t0 = System.nanoTime();
            assertThat(runner.offer(() -> {})).as("the queue is full").isFalse();
            assertThat(System.nanoTime() - t0).as("refused without waiting").isLessThan(50_000_000L);
            assertThat(runner.queued()).isEqualTo(1);
            release.countDown();
        }
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new ShadowRunner(0, 1)).hasMessageContaining("serving.shadow.threads");
        assertThatThrownBy(() -> new ShadowRunner(1, 0)).hasMessageContaining("serving.shadow.queue");
    }
}
