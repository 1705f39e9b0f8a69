package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.runtime.ModelLoadException;
import dev.hearth.serving.TestModels;
import dev.hearth.store.ModelRef;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The version cache never holds its lock while loading, shares one load per key between concurrent requests,
 * does not cache failures, and retires what it drops (also a load that finishes after its entry was evicted).
 */
class VersionCacheTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private HadoopModelStore store;
    private ModelLoader loader;
    /** Counted down by a gated load when it starts; each test has its own (JUnit makes an instance per test). */
    private final CountDownLatch started = new CountDownLatch(1);
    /** Releases a gated load. */
    private final CountDownLatch go = new CountDownLatch(1);

    @BeforeEach
    void publish() {
        store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        for (int v = 1; v <= 3; v++) {
            TestModels.publish(store, "iris", TestModels.network(v));
        }
        loader = new ModelLoader(store, true);
    }

    private LoadedModel load(int version) {
        return loader.load(store.resolve(new ModelRef("iris", version)));
    }

    /** A loader that counts its run, counts down {@code started}, waits for {@code go} and then runs {@code then}. */
    private Supplier<LoadedModel> gated(AtomicInteger runs, Supplier<LoadedModel> then) {
        return () -> {
            runs.incrementAndGet();
            started.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return then.get();
        };
    }

    @Test
    void theCacheAnswersAndLoadsOtherVersionsWhileALoadRuns() throws Exception {
        VersionCache cache = new VersionCache(2);
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<LoadedModel> first =
                CompletableFuture.supplyAsync(() -> cache.get("iris", 1, gated(runs, () -> load(1))));
        started.await();
        assertTimeoutPreemptively(
                PROMPTLY,
                () -> {
                    assertThat(cache.bytes()).isZero();
                    LoadedModel other = cache.get("iris", 2, () -> load(2));
                    assertThat(other.version().version()).isEqualTo(2);
                    assertThat(cache.bytes()).isEqualTo(other.bytes());
                },
                "the cache was blocked by a load of another version");
        go.countDown();
        assertThat(first.get().version().version()).isEqualTo(1);
        assertThat(runs).hasValue(1);
        cache.close();
    }

    @Test
    void concurrentRequestsShareOneLoadAndItsFailureWhichIsNotCached() throws Exception {
        VersionCache cache = new VersionCache(2);
        AtomicInteger runs = new AtomicInteger();
        Supplier<LoadedModel> failing = gated(runs, () -> {
            throw new ModelLoadException("read", "store unreachable", null);
        });
        CompletableFuture<LoadedModel> owner = CompletableFuture.supplyAsync(() -> cache.get("iris", 1, failing));
        started.await();
        Thread waiter = new Thread(() -> {
            try {
                cache.get("iris", 1, failing);
            } catch (ModelLoadException e) {
                assertThat(e).hasMessage("store unreachable");
            }
        });
        waiter.start();
        await().atMost(PROMPTLY).until(() -> waiter.getState() == Thread.State.WAITING);
        go.countDown();
        waiter.join(PROMPTLY.toMillis());
        assertThat(owner)
                .failsWithin(PROMPTLY)
                .withThrowableOfType(ExecutionException.class)
                .withMessageContaining("store unreachable");
        assertThat(runs).as("one load for both requests").hasValue(1);
        LoadedModel m = cache.get("iris", 1, () -> load(1));
        assertThat(m.version().version()).as("the failure was not cached").isEqualTo(1);
        cache.close();
    }

    @Test
    void aLoadThatFinishesAfterItsEntryWasEvictedIsRetired() throws Exception {
        VersionCache cache = new VersionCache(2);
        CompletableFuture<LoadedModel> loading =
                CompletableFuture.supplyAsync(() -> cache.get("iris", 1, gated(new AtomicInteger(), () -> load(1))));
        started.await();
        assertTimeoutPreemptively(PROMPTLY, () -> cache.evict("iris"));
        go.countDown();
        LoadedModel m = loading.get();
        assertThat(m.isReleased()).isTrue();
        assertThat(m.tryAcquire()).isFalse();
        assertThat(cache.bytes()).isZero();
        cache.close();
    }

    @Test
    void theLeastRecentlyUsedVersionIsRetiredBeyondTheCapacity() {
        VersionCache cache = new VersionCache(2);
        LoadedModel v1 = cache.get("iris", 1, () -> load(1));
        LoadedModel v2 = cache.get("iris", 2, () -> load(2));
        assertThat(cache.get("iris", 1, () -> load(1))).isSameAs(v1);
        LoadedModel v3 = cache.get("iris", 3, () -> load(3));
        assertThat(v2.isReleased()).isTrue();
        assertThat(v1.isReleased()).isFalse();
        assertThat(cache.bytes()).isEqualTo(v1.bytes() + v3.bytes());
        cache.close();
        assertThat(v1.isReleased()).isTrue();
        assertThat(v3.isReleased()).isTrue();
    }
}
