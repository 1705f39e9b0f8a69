package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The micro-batcher on a real (small) model: where passes run, and that every request gets its own rows back. */
class MicroBatcherTest {
    @TempDir
    static Path dir;

    private static LoadedModel model;
    private static ModelVersion version;

    /** Each forward pass: the thread it ran on, requests merged. */
    private record Pass(String thread, int requests) {}

    private static final class Recorder implements ModelEvents {
        final List<Pass> passes = new CopyOnWriteArrayList<>();

        @Override
        public void batchExecuted(String name, int requests, int rows) {
            passes.add(new Pass(Thread.currentThread().getName(), requests));
        }
    }

    @BeforeAll
    static void load() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        MultiLayerNetwork network = TestModels.network(21);
        version = TestModels.publish(store, "iris", network);
        model = TestModels.loaded(version, network, true);
    }

    @AfterAll
    static void release() {
        model.retire();
    }

    private static float[] rows(int seed, int rows) {
        float[] f = new float[rows * 4];
        for (int i = 0; i < f.length; i++) {
            f[i] = (seed * 7 + i * 3) % 11;
        }
        return f;
    }

    @Test
    void aLoneRequestOnAnIdleModelRunsOnTheCallersThread() throws Exception {
        Recorder events = new Recorder();
        try (MicroBatcher batcher = new MicroBatcher("iris", new BatchingConfig(true, 64, 0, 10_000), events)) {
            CompletableFuture<float[]> result = batcher.submit(model, rows(1, 2), 2);
            assertThat(result).isDone();
            assertThat(result.get()).containsExactly(model.predict(rows(1, 2), 2));
            assertThat(events.passes)
                    .containsExactly(new Pass(Thread.currentThread().getName(), 1));
        }
    }

    @Test
    void withADelayRequestsGoToTheWorker() throws Exception {
        Recorder events = new Recorder();
        try (MicroBatcher batcher = new MicroBatcher("iris", new BatchingConfig(true, 64, 200_000, 10_000), events)) {
            CompletableFuture<float[]> result = batcher.submit(model, rows(2, 1), 1);
            assertThat(result).isNotDone();
            assertThat(result.get(10, TimeUnit.SECONDS)).containsExactly(model.predict(rows(2, 1), 1));
            assertThat(events.passes).containsExactly(new Pass("hearth-batcher-iris", 1));
        }
    }

    @Test
    void concurrentRequestsAreMergedAndEachGetsItsOwnRows() throws Exception {
        int clients = 8;
        int perClient = 100;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long merged = 0;
        try {
            for (int round = 0; round < 20 && merged == 0; round++) {
                Recorder events = new Recorder();
                try (MicroBatcher batcher = new MicroBatcher("iris", new BatchingConfig(true, 64, 0, 10_000), events)) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<?>> done = new ArrayList<>();
                    for (int c = 0; c < clients; c++) {
                        int client = c;
                        done.add(pool.submit(() -> {
                            go.await();
                            for (int i = 0; i < perClient; i++) {
                                int seed = client * 1000 + i;
                                int n = i % 3 + 1;
                                float[] got =
                                        batcher.submit(model, rows(seed, n), n).get(10, TimeUnit.SECONDS);
                                assertThat(got)
                                        .as("client %d request %d", client, i)
                                        .containsExactly(model.predict(rows(seed, n), n));
                            }
                            return null;
                        }));
                    }
                    go.countDown();
                    for (Future<?> f : done) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    assertThat(events.passes.stream().mapToInt(Pass::requests).sum())
                            .isEqualTo(clients * perClient);
                    merged =
                            events.passes.stream().filter(p -> p.requests() > 1).count();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(merged)
                .as("forward passes that merged more than one request")
                .isPositive();
    }
}
