package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.assertj.core.data.Offset;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hot swap under load: a client thread sends requests continuously while three new versions are published; no
 * request fails, responses move to each new version in order, and the final answers are the new network's.
 */
class HotSwapIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void newVersionsAreSwappedInWithoutFailedRequests() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        String request = TestServer.request("swap", new float[] {1, 2, 3, 4});
        List<Integer> versions = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.models=iris",
                "serving.poll.interval.ms=100")) {
            Thread client = new Thread(
                    () -> {
                        while (running.get()) {
                            try {
                                HttpResponse<String> r = server.post("/v2/models/iris/infer", request);
                                sent.incrementAndGet();
                                if (r.statusCode() != 200) {
                                    failures.add(r.statusCode() + " " + r.body());
                                } else {
                                    versions.add(JSON.readTree(r.body())
                                            .get("model_version")
                                            .asInt());
                                }
                            } catch (Exception e) {
                                failures.add(e.toString());
                            }
                        }
                    },
                    "hot-swap-client");
            client.start();
            await().atMost(Duration.ofMinutes(1)).until(() -> versions.size() >= 5);
            MultiLayerNetwork last = null;
            for (int v = 2; v <= 4; v++) {
                last = TestModels.network(v);
                TestModels.publish(store, "iris", last);
                int expected = v;
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> !versions.isEmpty() && versions.get(versions.size() - 1) == expected);
            }
            int before = sent.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> sent.get() > before + 5);
            running.set(false);
            client.join();

            assertThat(failures).isEmpty();
            assertThat(versions).contains(1, 2, 3, 4);
            for (int i = 1; i < versions.size(); i++) {
                assertThat(versions.get(i)).as("versions never go back").isGreaterThanOrEqualTo(versions.get(i - 1));
            }
            JsonNode answer =
                    JSON.readTree(server.post("/v2/models/iris/infer", request).body());
            float[] p = JSON.convertValue(answer.get("outputs").get(0).get("data"), float[].class);
            float[] expected = last.output(
                            Nd4j.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new long[] {1, 4}, DataType.FLOAT))
                    .data()
                    .asFloat();
            assertThat(p).containsExactly(expected, Offset.offset(1e-6f));
            assertThat(server.get("/metrics").body()).contains("hearth_model_version{model=\"iris\"} 4.0");
            assertThat(JSON.readTree(server.get("/v2/models/iris").body())
                            .get("parameters")
                            .get("serving")
                            .get("served_version")
                            .asText())
                    .isEqualTo("4");
        } finally {
            running.set(false);
        }
    }

    @Test
    void swappedOutModelsAreReleased() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store2").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        try (TestServer server = TestServer.start(
                null, "store.root=" + store.root(), "auth.enabled=false", "serving.poll.interval.ms=100")) {
            var first = server.server().registry().slot("iris").peek();
            TestModels.publish(store, "iris", TestModels.network(2));
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> server.server().registry().slot("iris").currentVersion() == 2);
            assertThat(first.isReleased()).isTrue();
            assertThat(first.tryAcquire()).isFalse();
        }
    }
}
