package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.serving.TestModels;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versioned cache misses (on-demand loads of old versions) racing hot swaps of the served version. Before the
 * fix the version cache held its lock while loading (and so waited for the load lock), while a swap held the
 * load lock and asked the cache for its size: a lock-order inversion that hung both threads within a few swaps.
 */
class VersionLoadRaceTest {
    @TempDir
    Path dir;

    @Test
    void onDemandLoadsAndHotSwapsNeverDeadlock() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        for (int v = 1; v <= 3; v++) {
            TestModels.publish(store, "iris", TestModels.network(v));
        }
        // Cache of one and two clients asking for different old versions: every request is a cache miss and a load.
        ModelRegistry registry = new ModelRegistry(
                store,
                new ModelLoader(store, true),
                List.of(ServingPolicy.parse("iris")),
                name -> new BatchingConfig(false, 1, 0, 10_000),
                1,
                true,
                0,
                ModelEvents.NONE,
                new LeaseKeeper(store, "race-test", Duration.ZERO, Duration.ZERO));
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger served = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    registry.refresh();
                    List<Thread> clients = new ArrayList<>();
                    for (int c = 0; c < 2; c++) {
                        int first = c + 1;
                        Thread t = new Thread(
                                () -> {
                                    for (int i = 0; running.get(); i++) {
                                        int version = (first + i) % 2 + 1;
                                        try {
                                            LoadedModel m = registry.acquireVersion("iris", version, () -> {});
                                            assertThat(m.version().version()).isEqualTo(version);
                                            m.release();
                                            served.incrementAndGet();
                                        } catch (RuntimeException | AssertionError e) {
                                            failures.add(e.toString());
                                        }
                                    }
                                },
                                "versioned-client-" + c);
                        // A deadlocked client must not keep the test JVM alive.
                        t.setDaemon(true);
                        t.start();
                        clients.add(t);
                    }
                    for (int v = 4; v <= 11; v++) {
                        TestModels.publish(store, "iris", TestModels.network(v));
                        registry.refresh();
                        assertThat(registry.slot("iris").currentVersion()).isEqualTo(v);
                    }
                    running.set(false);
                    for (Thread t : clients) {
                        t.join();
                    }
                    registry.close();
                },
                "on-demand loads and hot swaps deadlocked");
        assertThat(failures).isEmpty();
        assertThat(served.get()).isGreaterThan(0);
    }
}
