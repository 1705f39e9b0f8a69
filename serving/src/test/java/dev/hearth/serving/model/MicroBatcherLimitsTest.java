package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.serving.TestModels;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The batcher's limits and faults on a real DL4J network (DL4J's own forward pass) that a test can hold inside a
 * pass or make throw: the bounded queue refuses at once, a withdrawn request never runs, and an {@link Error} from a
 * pass fails only that pass's requests while the worker goes on.
 */
class MicroBatcherLimitsTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static ModelVersion version;
    private static MultiLayerNetwork reference;

    private ControlledNetwork network;
    private LoadedModel model;

    /** A real network whose passes can be held at a gate or made to throw once; counts the passes that ran. */
    static final class ControlledNetwork extends MultiLayerNetwork {
        final AtomicInteger passes = new AtomicInteger();
        volatile CountDownLatch entered = new CountDownLatch(0);
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile Error failNext;

        ControlledNetwork(MultiLayerNetwork like) {
            super(like.getLayerWiseConfigurations().clone());
            init(like.params().dup(), false);
        }

        @Override
        public INDArray output(INDArray input, boolean train) {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Error e = failNext;
            if (e != null) {
                failNext = null;
                throw e;
            }
            passes.incrementAndGet();
            return super.output(input, train);
        }
    }

    @BeforeAll
    static void publish() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        reference = TestModels.network(31);
        version = TestModels.publish(store, "iris", reference);
    }

    @BeforeEach
    void load() {
        network = new ControlledNetwork(reference);
        model = TestModels.loaded(version, network, false);
    }

    @AfterEach
    void release() {
        network.gate.countDown();
        model.retire();
    }

    private static float[] row(int seed) {
        return new float[] {seed % 10, (seed * 3) % 10, (seed * 7) % 10, 5};
    }

    /** Holds the next pass at the gate; returns once a pass is inside the network. */
    private void holdNextPass() {
        network.entered = new CountDownLatch(1);
        network.gate = new CountDownLatch(1);
    }

    @Test
    void aFullQueueRefusesAtOnceAndTheQueuedRequestsStillRun() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MicroBatcher batcher =
                    new MicroBatcher("iris", new BatchingConfig(true, 64, 1_000, 2), ModelEvents.NONE)) {
                holdNextPass();
                CompletableFuture<float[]> running = batcher.submit(model, row(1), 1);
                network.entered.await();
                CompletableFuture<float[]> queued1 = batcher.submit(model, row(2), 1);
                CompletableFuture<float[]> queued2 = batcher.submit(model, row(3), 1);
                assertThat(batcher.queueDepth()).isEqualTo(2);
                CompletableFuture<float[]> refused = batcher.submit(model, row(4), 1);
                assertThat(refused).isCompletedExceptionally();
                assertThatThrownBy(refused::join)
                        .hasCauseInstanceOf(OverloadedException.class)
                        .hasMessageContaining("(batching.max.queue.rows)");
                assertThat(((OverloadedException) catchCause(refused)).retryAfterSeconds())
                        .isPositive();
                network.gate.countDown();
                assertThat(running.get()).containsExactly(model.predict(row(1), 1));
                assertThat(queued1.get()).containsExactly(model.predict(row(2), 1));
                assertThat(queued2.get()).containsExactly(model.predict(row(3), 1));
                assertThat(batcher.queueDepth()).isZero();
                // With the queue drained, the same request is accepted again.
                assertThat(batcher.submit(model, row(4), 1).get()).containsExactly(model.predict(row(4), 1));
            }
        });
    }

    @Test
    void aRequestLargerThanTheQueueLimitStillRunsWhenNothingWaits() throws Exception {
        try (MicroBatcher batcher =
                new MicroBatcher("iris", new BatchingConfig(true, 64, 1_000, 2), ModelEvents.NONE)) {
            float[] three = new float[12];
            assertThat(batcher.submit(model, three, 3).get(30, TimeUnit.SECONDS))
                    .hasSize(9);
        }
    }

    @Test
    void aWithdrawnRequestNeverRuns() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MicroBatcher batcher =
                    new MicroBatcher("iris", new BatchingConfig(true, 64, 1_000, 100), ModelEvents.NONE)) {
                holdNextPass();
                CompletableFuture<float[]> running = batcher.submit(model, row(1), 1);
                network.entered.await();
                CompletableFuture<float[]> gaveUp = batcher.submit(model, row(2), 1);
                assertThat(batcher.withdraw(gaveUp)).isTrue();
                assertThat(gaveUp).isCancelled();
                assertThat(batcher.queueDepth()).isZero();
                network.gate.countDown();
                running.get();
                assertThat(batcher.withdraw(running))
                        .as("a request that ran cannot be withdrawn")
                        .isFalse();
                // The next request runs, and the withdrawn one never did: two passes in all.
                batcher.submit(model, row(3), 1).get();
                assertThat(network.passes).hasValue(2);
            }
        });
    }

    @Test
    void aRequestWithdrawnWhileItsBatchGathersNeverRuns() throws Exception {
        try (MicroBatcher batcher =
                new MicroBatcher("iris", new BatchingConfig(true, 64, 300_000, 100), ModelEvents.NONE)) {
            CompletableFuture<float[]> gaveUp = batcher.submit(model, row(1), 1);
            assertThat(batcher.withdraw(gaveUp)).isTrue();
            // Past the gathering delay the worker has decided; it ran nothing.
            Thread.sleep(600);
            assertThat(network.passes).hasValue(0);
            assertThat(batcher.submit(model, row(2), 1).get(30, TimeUnit.SECONDS))
                    .hasSize(3);
            assertThat(network.passes).hasValue(1);
        }
    }

    @Test
    void anErrorInAPassFailsItsRequestsAndTheWorkerGoesOn() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MicroBatcher batcher =
                    new MicroBatcher("iris", new BatchingConfig(true, 64, 1_000, 100), ModelEvents.NONE)) {
                network.failNext = new StackOverflowError("thrown by the test");
                CompletableFuture<float[]> failed = batcher.submit(model, row(1), 1);
                assertThat(catchCause(failed))
                        .isInstanceOf(ForwardPassException.class)
                        .hasMessageContaining("StackOverflowError")
                        .hasCauseInstanceOf(StackOverflowError.class);
                assertThat(batcher.submit(model, row(2), 1).get()).containsExactly(model.predict(row(2), 1));

                network.failNext = new OutOfMemoryError("thrown by the test");
                CompletableFuture<float[]> outOfMemory = batcher.submit(model, row(3), 1);
                assertThat(catchCause(outOfMemory))
                        .isInstanceOf(OverloadedException.class)
                        .hasMessageContaining("ran out of memory");
                assertThat(batcher.submit(model, row(4), 1).get()).containsExactly(model.predict(row(4), 1));
                assertThat(batcher.queueDepth()).isZero();
            }
        });
    }

    @Test
    void anErrorOnTheIdlePathFailsThatRequestAndFreesTheModelForTheNext() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MicroBatcher batcher =
                    new MicroBatcher("iris", new BatchingConfig(true, 64, 0, 100), ModelEvents.NONE)) {
                network.failNext = new AssertionError("thrown by the test");
                CompletableFuture<float[]> failed = batcher.submit(model, row(1), 1);
                assertThat(failed).isCompletedExceptionally();
                assertThat(catchCause(failed)).isInstanceOf(ForwardPassException.class);
                // The pass permit was given back: the next request runs (on the idle path again).
                await().atMost(BOUND)
                        .until(() -> batcher.submit(model, row(2), 1).get().length == 3);
            }
        });
    }

    private static Throwable catchCause(CompletableFuture<float[]> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("the future did not fail", e);
        }
        throw new AssertionError("the future did not fail");
    }
}
