package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 32 concurrent clients against a batching server: every response equals the answer of a server without
 * batching for the same rows, and the batch-size histogram saw forward passes over more than one request.
 */
class BatchingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 32;

    @TempDir
    static Path dir;

    private static TestServer batched;
    private static TestServer unbatched;

    @BeforeAll
    static void start() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(11));
        batched = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "batching.per.model=iris:64:200000");
        unbatched = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "batching.enabled=false");
    }

    @AfterAll
    static void stop() {
        batched.close();
        unbatched.close();
    }

    /** Client i sends i % 3 + 1 rows derived from i, so requests differ in content and size. */
    private static String request(int i) {
        int rows = i % 3 + 1;
        StringBuilder data = new StringBuilder("[");
        for (int r = 0; r < rows; r++) {
            data.append(r == 0 ? "" : ",")
                    .append('[')
                    .append(i % 10)
                    .append(',')
                    .append(r)
                    .append(',')
                    .append((i * 7) % 10)
                    .append(',')
                    .append(10 - i % 10)
                    .append(']');
        }
        return TestServer.infer(
                "client-" + i, "[" + rows + ",4]", data.append(']').toString());
    }

    private static long metric(String scrape, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(scrape);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void concurrentRequestsAreMergedAndAnsweredPerRequest() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            long merged = 0;
            for (int round = 0; round < 5 && merged == 0; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    String body = request(i);
                    answers.add(pool.submit(() -> {
                        go.await();
                        return batched.post("/v2/models/iris/infer", body);
                    }));
                }
                go.countDown();
                for (int i = 0; i < CLIENTS; i++) {
                    HttpResponse<String> r = answers.get(i).get();
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    JsonNode got = JSON.readTree(r.body());
                    JsonNode want = JSON.readTree(
                            unbatched.post("/v2/models/iris/infer", request(i)).body());
                    assertThat(got.get("id").asText()).isEqualTo("client-" + i);
                    float[] p = JSON.convertValue(got.get("outputs").get(0).get("data"), float[].class);
                    float[] q = JSON.convertValue(want.get("outputs").get(0).get("data"), float[].class);
                    assertThat(p).hasSize((i % 3 + 1) * 3).containsExactly(q, Offset.offset(1e-5f));
                    assertThat(got.get("outputs").get(1).get("data"))
                            .isEqualTo(want.get("outputs").get(1).get("data"));
                }
                String scrape = batched.get("/metrics").body();
                long passes = metric(scrape, "hearth_batch_requests_count\\{model=\"iris\"} ([0-9.eE+]+)");
                long single = metric(scrape, "hearth_batch_requests_bucket\\{model=\"iris\",le=\"1.0\"} ([0-9.eE+]+)");
                merged = passes - single;
            }
            assertThat(merged)
                    .as("forward passes that merged more than one request")
                    .isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
