package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.Lease;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server with store polling off keeps its lease alive past the TTL (the lease has its own timer), so gc
 * keeps the served version; the lease goes when the server stops.
 */
class LeaseRenewalIT {
    @TempDir
    Path dir;

    @Test
    void leasesOutliveTheirTtlWithPollingOff() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(store, "iris", TestModels.network(1));
        TestModels.publish(store, "iris", TestModels.network(2));
        RetentionPolicy keepNewest = new RetentionPolicy(1, Duration.ZERO, Duration.ZERO);
        try (TestServer server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.models=iris/1",
                "serving.poll.interval.ms=0",
                "serving.lease.ttl.ms=1500")) {
            Thread.sleep(4_500); // three TTLs without a single poll
            assertThat(store.leases("iris")).singleElement().satisfies(l -> {
                assertThat(l.version()).isEqualTo(1);
                assertThat(l.activeAt(Instant.now())).isTrue();
            });
            assertThat(store.gc(keepNewest, false).kept())
                    .extracting(GcCandidate::version)
                    .containsExactly(1);
            assertThat(server.post("/v2/models/iris/infer", TestServer.request("x", new float[] {1, 2, 3, 4}))
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(store.leases("iris")).extracting(Lease::version).isEmpty();
    }

    @Test
    void aRenewalIntervalThatCannotKeepUpIsRefusedAtStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(
                        null,
                        "store.root=" + dir.resolve("empty"),
                        "auth.enabled=false",
                        "serving.lease.ttl.ms=60000",
                        "serving.lease.renew.ms=45000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("serving.lease.renew.ms must be 0 (a third of serving.lease.ttl.ms) or between "
                        + "100 and serving.lease.ttl.ms / 2 = 30000");
    }
}
