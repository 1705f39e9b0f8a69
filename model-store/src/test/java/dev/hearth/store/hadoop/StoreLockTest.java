package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.LockHeldException;
import dev.hearth.store.StoreLock;
import dev.hearth.store.testing.Drafts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {
    @TempDir
    Path dir;

    private HadoopModelStore store() {
        return HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
    }

    @Test
    void secondAcquireFailsNamingTheHolderUntilReleased() {
        HadoopModelStore store = store();
        StoreLock lock = store.acquireLock("m", "retrain", "run-a", Duration.ofMinutes(5));
        assertThat(store.currentLock("m", "retrain")).isEqualTo(lock);
        assertThatThrownBy(() -> store.acquireLock("m", "retrain", "run-b", Duration.ofMinutes(5)))
                .isInstanceOf(LockHeldException.class)
                .hasMessageContaining("run-a")
                .hasMessageContaining("pid " + ProcessHandle.current().pid());
        // another purpose or model is independent
        store.releaseLock(store.acquireLock("m", "other", "x", Duration.ofMinutes(5)));
        store.releaseLock(store.acquireLock("n", "retrain", "x", Duration.ofMinutes(5)));
        store.releaseLock(lock);
        assertThat(store.currentLock("m", "retrain")).isNull();
        StoreLock again = store.acquireLock("m", "retrain", "run-b", Duration.ofMinutes(5));
        assertThat(again.holder()).isEqualTo("run-b");
    }

    @Test
    void expiredLockIsTakenOverAndTheOldHolderCannotReleaseTheNewOne() throws Exception {
        HadoopModelStore store = store();
        StoreLock stale = store.acquireLock("m", "retrain", "crashed", Duration.ofMillis(1));
        Thread.sleep(5);
        StoreLock fresh = store.acquireLock("m", "retrain", "next", Duration.ofMinutes(5));
        assertThat(fresh.seq()).isGreaterThan(stale.seq());
        store.releaseLock(stale);
        assertThat(store.currentLock("m", "retrain")).isEqualTo(fresh);
    }

    @Test
    void ofManyConcurrentContendersExactlyOneWins() throws Exception {
        HadoopModelStore store = store();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String holder = "h" + i;
            results.add(pool.submit(() -> {
                go.await();
                try {
                    store.acquireLock("m", "retrain", holder, Duration.ofMinutes(5));
                    return true;
                } catch (LockHeldException e) {
                    return false;
                }
            }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> f : results) {
            won += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
    }

    @Test
    void recordedEventsAppearInTheAuditLog() {
        HadoopModelStore store = store();
        store.publish("m", Drafts.text("x", 0.5));
        AuditEvent e = store.recordEvent("m", "retrain-rejected", 1, "accuracy 0.5 < 0.9");
        assertThat(store.auditLog("m")).contains(e);
    }
}
