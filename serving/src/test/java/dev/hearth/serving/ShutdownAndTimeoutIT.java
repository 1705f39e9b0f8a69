package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown drains in-flight requests and refuses new ones with 503; a request whose forward pass does
 * not come in time gets 503. A long batching delay holds a request in flight without any timing assumption.
 */
class ShutdownAndTimeoutIT {
    @TempDir
    Path dir;

    private HadoopModelStore store() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        return store;
    }

    @Test
    void shutdownFinishesInFlightRequestsAndRefusesNewOnes() throws Exception {
        HadoopModelStore store = store();
        String request = TestServer.request("drain", new float[] {1, 2, 3, 4});
        TestServer server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "batching.max.delay.us=3000000");
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return server.post("/v2/models/iris/infer", request);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofMinutes(1)).until(() -> server.server().inFlight() == 1);
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            try {
                return server.get("/v2/health/live").statusCode() == 503;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        HttpResponse<String> drained = inFlight.get();
        assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
        assertThat(drained.body()).contains("\"id\":\"drain\"");
        stopping.get();
    }

    @Test
    void slowForwardPassTimesOutWith503() throws Exception {
        HadoopModelStore store = store();
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "batching.max.delay.us=3000000",
                "server.request.timeout.ms=100")) {
            HttpResponse<String> r =
                    server.post("/v2/models/iris/infer", TestServer.request("t", new float[] {1, 2, 3, 4}));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("server.request.timeout.ms");
        }
    }
}
