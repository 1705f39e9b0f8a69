package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.InvalidNameException;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.VersionConflictException;
import dev.hearth.store.testing.Drafts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AliasAndAuditTest {
    @TempDir
    Path dir;

    private HadoopModelStore store;

    @BeforeEach
    void threeVersions() {
        store = HadoopModelStore.open(dir.toString(), new Configuration());
        for (int i = 1; i <= 3; i++) {
            store.publish("m", Drafts.text("v" + i, 0.5 + i / 10.0));
        }
    }

    @Test
    void setResolvesAndMovesWithCompareAndSwap() {
        AuditEvent first = store.setAlias("m", "production", 1, null, "first release");
        assertThat(first.from()).isNull();
        assertThat(first.to()).isEqualTo(1);
        assertThat(first.who()).contains("@");
        assertThat(store.resolve(ModelRef.parse("m@production")).version()).isEqualTo(1);

        store.setAlias("m", "production", 2, 1, "better");
        assertThat(store.resolve(ModelRef.ofAlias("m", "production")).version()).isEqualTo(2);
        assertThat(store.aliases("m")).isEqualTo(Map.of("production", 2));

        assertThatThrownBy(() -> store.setAlias("m", "production", 3, 1, "stale"))
                .isInstanceOf(VersionConflictException.class)
                .hasMessage("alias 'production' of model 'm' points to version 2, not the expected version 1");
        assertThatThrownBy(() -> store.setAlias("m", "production", 3, null, "stale"))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageContaining("not the expected nothing (no alias)");
    }

    @Test
    void aliasTargetMustBeCommittedAndNamesValid() {
        assertThatThrownBy(() -> store.setAlias("m", "production", 9, null, null))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("model m/9 not found");
        assertThatThrownBy(() -> store.setAlias("m", "Prod", 1, null, null))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("alias must match [a-z0-9][a-z0-9._-]{0,63}")
                .hasMessageContaining("'Prod'");
        assertThatThrownBy(() -> ModelRef.parse("m@../x")).isInstanceOf(InvalidNameException.class);
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m@staging")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessage("alias 'staging' of model 'm' does not exist");
        assertThat(dir.resolve("m/aliases")).doesNotExist();
    }

    @Test
    void rollbackReturnsToPreviousTargetAndRemoveIsAudited() {
        store.setAlias("m", "production", 1, null, null);
        store.setAlias("m", "production", 3, 1, "v3 looks better");
        AuditEvent back = store.rollback("m", "production", "v3 regressed");
        assertThat(back.action()).isEqualTo(AuditEvent.ROLLBACK);
        assertThat(back.from()).isEqualTo(3);
        assertThat(back.to()).isEqualTo(1);
        assertThat(store.resolve(ModelRef.parse("m@production")).version()).isEqualTo(1);

        store.removeAlias("m", "production", 1, "retired");
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m@production")))
                .isInstanceOf(ModelNotFoundException.class);
        assertThat(store.aliases("m")).isEmpty();
        assertThatThrownBy(() -> store.removeAlias("m", "production", 1, null))
                .isInstanceOf(ModelNotFoundException.class);

        List<AuditEvent> history = store.aliasHistory("m", "production");
        assertThat(history)
                .extracting(AuditEvent::action)
                .containsExactly("alias-set", "alias-set", "rollback", "alias-rm");
        assertThat(history)
                .extracting(AuditEvent::reason)
                .containsExactly(null, "v3 looks better", "v3 regressed", "retired");
        // Rolling back a removal restores the alias.
        store.rollback("m", "production", null);
        assertThat(store.aliases("m")).containsEntry("production", 1);
    }

    @Test
    void rollbackWithoutPreviousTargetIsNotFound() {
        assertThatThrownBy(() -> store.rollback("m", "production", null))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessage("alias 'production' of model 'm' has no previous target to roll back to");
        store.setAlias("m", "production", 1, null, null);
        assertThatThrownBy(() -> store.rollback("m", "production", null)).hasMessageContaining("no previous target");
    }

    @Test
    void removeWithWrongExpectationConflicts() {
        store.setAlias("m", "staging", 2, null, null);
        assertThatThrownBy(() -> store.removeAlias("m", "staging", 1, null))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageContaining("points to version 2, not the expected version 1");
    }

    @Test
    void twoThreadsCasFromTheSameValueExactlyOneWins() throws Exception {
        for (int round = 0; round < 20; round++) {
            Integer expected = store.aliases("m").get("production");
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            // Both targets differ from the current one: a writer that starts after the other's move must lose.
            int[] targets = IntStream.rangeClosed(1, 3)
                    .filter(v -> !Integer.valueOf(v).equals(expected))
                    .limit(2)
                    .toArray();
            for (int target : targets) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        store.setAlias("m", "production", target, expected, "race");
                        return true;
                    } catch (VersionConflictException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get() ? 1 : 0;
            }
            pool.shutdown();
            assertThat(wins).as("round " + round).isEqualTo(1);
        }
        assertThat(store.aliasHistory("m", "production")).hasSize(20);
    }

    @Test
    void deleteRefusesAliasedAndLeasedVersionsAndNeverReusesNumbers() {
        store.setAlias("m", "production", 2, null, null);
        assertThatThrownBy(() -> store.delete("m", 2, null))
                .isInstanceOf(VersionConflictException.class)
                .hasMessage("cannot delete m/2: alias(es) [production] point to it; move or remove them first");
        store.writeLease("m", "server-a", 1, java.time.Duration.ofMinutes(5));
        assertThatThrownBy(() -> store.delete("m", 1, null))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageContaining("cannot delete m/1: leased by server-a until");
        store.releaseLease("m", "server-a");
        assertThat(store.leases("m")).isEmpty();

        AuditEvent deleted = store.delete("m", 3, "bad data");
        assertThat(deleted.action()).isEqualTo(AuditEvent.DELETE);
        assertThat(store.listVersions("m")).extracting(v -> v.version()).containsExactly(1, 2);
        assertThatThrownBy(() -> store.delete("m", 3, null)).isInstanceOf(ModelNotFoundException.class);
        assertThat(store.publish("m", Drafts.text("v4", 0.9)).version()).isEqualTo(4);
        assertThat(store.auditLog("m")).extracting(AuditEvent::action).containsExactly("alias-set", "delete");
    }

    @Test
    void leasesReplaceTheHoldersEarlierLease() {
        store.writeLease("m", "server-a", 1, java.time.Duration.ofMinutes(5));
        store.writeLease("m", "server-a", 2, java.time.Duration.ofMinutes(5));
        store.writeLease("m", "server-b", 2, java.time.Duration.ofMinutes(5));
        assertThat(store.leases("m"))
                .extracting(l -> l.holder() + "@" + l.version())
                .containsExactlyInAnyOrder("server-a@2", "server-b@2");
        assertThatThrownBy(() -> store.writeLease("m", "Server A", 1, java.time.Duration.ofMinutes(1)))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("lease holder must match");
        assertThatThrownBy(() -> store.writeLease("m", "a", 1, java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lease ttl must be > 0 and at most PT1H but was PT0S");
    }
}
