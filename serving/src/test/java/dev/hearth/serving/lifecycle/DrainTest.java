package dev.hearth.serving.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hearth.serving.TestModels;
import dev.hearth.serving.TestServer;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Draining: readiness turns 503 first while inference keeps answering 200 for the drain period; then the server
 * stops and the port refuses connections.
 */
class DrainTest {
    @TempDir
    Path dir;

    @Test
    void readinessTurnsFirstWhileRequestsAreStillServedThenTheServerStops() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        String request = TestServer.request("d", new float[] {1, 2, 3, 4});
        TestServer server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "serving.models=iris",
                "serving.poll.interval.ms=0",
                "auth.enabled=false",
                "server.drain.ms=1500");
        try {
            assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
            long t0 = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                try {
                    server.server().drainAndStop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(1))
                    .until(() -> server.get("/v2/health/ready").statusCode() == 503);
            assertThat(server.get("/v2/health/ready").body())
                    .contains("draining")
                    .contains("\"ready\":false");
            int answered = 0;
            while (!stopping.isDone() && System.nanoTime() - t0 < 1_200_000_000L) {
                HttpResponse<String> r = server.post("/v2/models/iris/infer", request);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                answered++;
            }
            assertThat(answered).isPositive();
            stopping.get();
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1500);
            assertThatThrownBy(() -> server.post("/v2/models/iris/infer", request))
                    .isInstanceOf(IOException.class);
        } finally {
            server.close();
        }
    }

    @Test
    void drainPeriodIsBounded() {
        assertThatThrownBy(() -> new Drain(-1))
                .hasMessageContaining("server.drain.ms")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new Drain(600_001)).hasMessageContaining("between 0 and 600000");
    }
}
