package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch queue on a real server: past {@code batching.max.queue.rows} a request gets 503 with Retry-After at once
 * while the queued ones still run; a request that times out is taken off the queue and never runs. A long batching
 * delay holds requests in the queue without any timing assumption about forward passes.
 */
class BatchQueueTest {
    private static final String ROW = TestServer.request("q", new float[] {1, 2, 3, 4});

    @TempDir
    static Path dir;

    private static String storeRoot;
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    @BeforeAll
    static void publish() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(9));
        TestModels.publish(store, "other", TestModels.network(10));
        storeRoot = store.root().toString();
    }

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    private static double metric(TestServer server, String pattern) throws Exception {
        Matcher m = Pattern.compile(pattern).matcher(server.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(TestServer server, String path, String body) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return server.post(path, body);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                THREADS);
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAtOnceAndQueuedRequestsStillRun() throws Exception {
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + storeRoot,
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "batching.per.model=iris:64:4000000",
                "batching.max.queue.rows=2")) {
            CompletableFuture<HttpResponse<String>> first = postAsync(server, "/v2/models/iris/infer", ROW);
            CompletableFuture<HttpResponse<String>> second =
                    postAsync(server, "/v1/models/iris:predict", "{\"instances\":[[1,2,3,4]]}");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> metric(server, "hearth_queue_depth\\{model=\"iris\"} ([0-9.eE+]+)") == 2);

            long started = System.nanoTime();
            HttpResponse<String> refused = server.post("/v2/models/iris/infer", ROW);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("answered at once, not after the batch")
                    .isLessThan(Duration.ofMillis(1000));
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("(batching.max.queue.rows)");
            // Another model's queue is its own.
            assertThat(server.post("/v2/models/other/infer", ROW).statusCode()).isEqualTo(200);

            assertThat(first.get().statusCode()).as(first.get().body()).isEqualTo(200);
            assertThat(second.get().statusCode()).as(second.get().body()).isEqualTo(200);
            assertThat(metric(server, "hearth_queue_depth\\{model=\"iris\"} ([0-9.eE+]+)"))
                    .isZero();
        }
    }

    @Test
    void aRequestThatTimesOutIsTakenOffTheQueueAndNeverRuns() throws Exception {
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + storeRoot,
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "batching.per.model=iris:64:1500000",
                "server.request.timeout.ms=200")) {
            HttpResponse<String> r = server.post("/v2/models/iris/infer", ROW);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.body()).contains("server.request.timeout.ms");
            assertThat(metric(server, "hearth_queue_depth\\{model=\"iris\"} ([0-9.eE+]+)"))
                    .isZero();
            // Past the batching delay the batch was decided: no forward pass ran for the withdrawn request.
            Thread.sleep(2500);
            assertThat(metric(server, "hearth_batch_requests_count\\{model=\"iris\"} ([0-9.eE+]+)"))
                    .isZero();
            // Control: a model without a delay answers, and its pass is counted.
            assertThat(server.post("/v2/models/other/infer", ROW).statusCode()).isEqualTo(200);
            assertThat(metric(server, "hearth_batch_requests_count\\{model=\"other\"} ([0-9.eE+]+)"))
                    .isEqualTo(1);
        }
    }
}
