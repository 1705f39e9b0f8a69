package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hearth.store.Lease;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases renewed on the keeper's own timer against a real store; intervals checked against the TTL. */
class LeaseKeeperTest {
    @TempDir
    Path dir;

    private HadoopModelStore store() {
        return HadoopModelStore.open(dir.toString(), new Configuration());
    }

    @Test
    void theTimerKeepsALeaseAliveWellPastItsTtlWithoutAnyPolling() throws Exception {
        HadoopModelStore store = store();
        LeaseKeeper keeper = new LeaseKeeper(store, "server-a", Duration.ofSeconds(1), Duration.ZERO);
        assertThat(keeper.renewEvery()).isEqualTo(Duration.ofMillis(333));
        // What the registry does once at start; nothing calls renew afterwards (serving.poll.interval.ms=0).
        keeper.renew(Map.of("m", 1));
        Instant first = Instant.parse(store.leases("m").get(0).expiresAt());
        keeper.start(() -> Map.of("m", 1));
        try {
            Thread.sleep(3_000); // three TTLs
            assertThat(store.leases("m")).singleElement().satisfies(l -> {
                assertThat(l.version()).isEqualTo(1);
                assertThat(l.activeAt(Instant.now())).isTrue();
                assertThat(Instant.parse(l.expiresAt())).isAfter(first.plusSeconds(1));
            });
        } finally {
            keeper.releaseAll();
        }
        assertThat(store.leases("m")).isEmpty();
    }

    @Test
    void theTimerFollowsWhatIsServedAndSurvivesAnErrorFromIt() throws Exception {
        HadoopModelStore store = store();
        LeaseKeeper keeper = new LeaseKeeper(store, "server-a", Duration.ofSeconds(1), Duration.ofMillis(100));
        AtomicInteger calls = new AtomicInteger();
        keeper.start(() -> {
            int n = calls.incrementAndGet();
            if (n == 2) {
                throw new OutOfMemoryError("injected");
            }
            return n < 5 ? Map.of("m", 1) : Map.of("m", 2, "n", 0);
        });
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> calls.get() >= 6);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> store.leases("m").stream()
                            .map(Lease::version)
                            .toList()
                            .equals(java.util.List.of(2)));
            assertThat(store.leases("n")).isEmpty();
        } finally {
            keeper.releaseAll();
        }
        int after = calls.get();
        Thread.sleep(300);
        assertThat(calls.get()).as("no renewal after releaseAll").isEqualTo(after);
    }

    @Test
    void configurationsThatCannotRenewInTimeAreRefused() {
        HadoopModelStore store = store();
        assertThatThrownBy(() -> new LeaseKeeper(store, "a", Duration.ofSeconds(60), Duration.ofSeconds(40)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serving.lease.renew.ms must be 0 (a third of serving.lease.ttl.ms) or between 100 and "
                        + "serving.lease.ttl.ms / 2 = 30000 (so a failed renewal is retried before the lease expires) "
                        + "but was 40000");
        assertThatThrownBy(() -> new LeaseKeeper(store, "a", Duration.ofSeconds(60), Duration.ofMillis(10)))
                .hasMessageEndingWith("but was 10");
        assertThatThrownBy(() -> new LeaseKeeper(store, "a", Duration.ofMillis(500), Duration.ZERO))
                .hasMessage("serving.lease.ttl.ms must be 0 (no leases) or between 1000 and 3600000 but was 500");
        assertThatThrownBy(() -> new LeaseKeeper(store, "a", Duration.ofHours(2), Duration.ZERO))
                .hasMessageEndingWith("but was 7200000");
        assertThat(new LeaseKeeper(store, "a", Duration.ZERO, Duration.ofSeconds(99)).renewEvery())
                .isZero();
        assertThat(new LeaseKeeper(store, "a", Duration.ofSeconds(60), Duration.ZERO).renewEvery())
                .isEqualTo(Duration.ofSeconds(20));
    }
}
