package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.GcCandidate;
import dev.hearth.store.Lease;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server following {@code iris@production}: alias moves (compare-and-swap) and a rollback are picked up under
 * continuous load without failed requests; the served version carries a lease that the store's gc respects.
 */
class AliasFollowingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static int version(HttpResponse<String> r) throws Exception {
        return Integer.parseInt(JSON.readTree(r.body()).get("model_version").asText());
    }

    @Test
    void followsAliasMovesAndRollbackWithoutFailedRequests() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        for (int i = 1; i <= 3; i++) {
            TestModels.publish(store, "iris", TestModels.network(i));
        }
        store.setAlias("iris", "production", 1, null, "first release");
        String request = TestServer.request("alias", new float[] {1, 2, 3, 4});
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "serving.models=iris@production",
                "serving.poll.interval.ms=100",
                "auth.enabled=false")) {
            assertThat(version(server.post("/v2/models/iris/infer", request))).isEqualTo(1);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger failures = new AtomicInteger();
            List<Integer> seen = new CopyOnWriteArrayList<>();
            Thread client = new Thread(
                    () -> {
                        while (running.get()) {
                            try {
                                HttpResponse<String> r = server.post("/v2/models/iris/infer", request);
                                if (r.statusCode() != 200) {
                                    failures.incrementAndGet();
                                } else {
                                    seen.add(version(r));
                                }
                            } catch (Exception e) {
                                failures.incrementAndGet();
                            }
                        }
                    },
                    "alias-client");
            client.start();
            try {
                store.setAlias("iris", "production", 2, 1, "promote 2");
                await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty() && seen.get(seen.size() - 1) == 2);
                store.setAlias("iris", "production", 3, 2, "promote 3");
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(seen.size() - 1) == 3);
                store.rollback("iris", "production", "3 misbehaves");
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(seen.size() - 1) == 2);
            } finally {
                running.set(false);
                client.join();
            }
            assertThat(failures.get()).isZero();
            assertThat(seen).contains(1, 2, 3);
            // The lease follows at the end of the refresh that swapped the version in.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(store.leases("iris"))
                            .singleElement()
                            .satisfies(l -> {
                                assertThat(l.version()).isEqualTo(2);
                                assertThat(l.activeAt(Instant.now())).isTrue();
                            }));
        }
        assertThat(store.leases("iris")).as("leases released on shutdown").isEmpty();
    }

    @Test
    void gcNeverDeletesTheVersionARunningServerHoldsAndForgetsItAfterShutdown() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store2").toString(), new Configuration());
        for (int i = 1; i <= 3; i++) {
            TestModels.publish(store, "iris", TestModels.network(i));
        }
        RetentionPolicy keepNothing = new RetentionPolicy(1, Duration.ZERO, Duration.ZERO);
        try (TestServer server =
                TestServer.start(null, "store.root=" + store.root(), "serving.models=iris/1", "auth.enabled=false")) {
            List<Lease> leases = store.leases("iris");
            assertThat(leases).extracting(Lease::version).containsExactly(1);
            List<Integer> candidates = store.gc(keepNothing, false).candidates().stream()
                    .map(GcCandidate::version)
                    .toList();
            assertThat(candidates).doesNotContain(1, 3).contains(2);
            assertThat(version(server.post("/v2/models/iris/infer", TestServer.request("x", new float[] {1, 2, 3, 4}))))
                    .isEqualTo(1);
        }
        assertThat(store.gc(keepNothing, false).candidates().stream()
                        .map(GcCandidate::version)
                        .toList())
                .contains(1);
    }
}
