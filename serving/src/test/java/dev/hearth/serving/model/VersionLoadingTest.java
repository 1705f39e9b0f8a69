package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.ModelLoadException;
import dev.hearth.serving.TestModels;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading versions through a store on a {@link FlakyFileSystem}: transient read errors are retried and never
 * remembered, integrity failures are remembered (and not read again), lookups of unknown versions are cached,
 * and on-demand loading refuses before it touches the store.
 */
class VersionLoadingTest {
    private static final Runnable ANYONE = () -> {};

    @TempDir
    Path dir;

    private HadoopModelStore writer;
    private HadoopModelStore flakyStore;
    private FlakyFileSystem fs;
    private final List<ModelRegistry> registries = new ArrayList<>();

    @BeforeEach
    void publishTwoVersions() throws Exception {
        writer = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(writer, "iris", TestModels.network(1));
        TestModels.publish(writer, "iris", TestModels.network(2));
        Configuration conf = FlakyFileSystem.conf();
        flakyStore = HadoopModelStore.open("flaky://" + dir.resolve("store").toAbsolutePath(), conf);
        fs = FlakyFileSystem.of(conf);
    }

    @AfterEach
    void close() {
        registries.forEach(ModelRegistry::close);
    }

    /** A started registry serving the latest version of iris (2). */
    private ModelRegistry registry(boolean onDemand) {
        ModelRegistry r = new ModelRegistry(
                flakyStore,
                new ModelLoader(flakyStore, true),
                List.of(ServingPolicy.parse("iris")),
                name -> new BatchingConfig(false, 1, 0, 10_000),
                2,
                onDemand,
                0,
                ModelEvents.NONE,
                new LeaseKeeper(flakyStore, "loading-test", Duration.ZERO, Duration.ZERO));
        registries.add(r);
        r.refresh();
        assertThat(r.slot("iris").currentVersion()).isEqualTo(2);
        fs.failOpens("model.zip", 0);
        return r;
    }

    @Test
    void transientReadFailuresAreRetriedAndTheVersionLoads() {
        ModelRegistry registry = registry(true);
        fs.failOpens("model.zip", ModelRegistry.READ_ATTEMPTS - 1);
        LoadedModel m = registry.acquireVersion("iris", 1, ANYONE);
        try {
            assertThat(m.version().version()).isEqualTo(1);
        } finally {
            m.release();
        }
        assertThat(fs.injected()).isEqualTo(ModelRegistry.READ_ATTEMPTS - 1);
        assertThat(registry.slot("iris").refused()).isEmpty();
    }

    @Test
    void readFailuresBeyondTheRetriesAreNotRemembered() {
        ModelRegistry registry = registry(true);
        fs.failOpens("model.zip", ModelRegistry.READ_ATTEMPTS + 1);
        assertThatThrownBy(() -> registry.acquireVersion("iris", 1, ANYONE))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("read"))
                .hasMessageContaining("injected transient failure");
        assertThat(fs.injected()).isEqualTo(ModelRegistry.READ_ATTEMPTS);
        assertThat(registry.slot("iris").refused()).isEmpty();
        assertThat(registry.versionProblem("iris", 1)).isNull();
        // One failure is left, then the store reads again: the version loads, nothing was remembered.
        LoadedModel m = registry.acquireVersion("iris", 1, ANYONE);
        m.release();
        assertThat(m.version().version()).isEqualTo(1);
        assertThat(fs.injected()).isEqualTo(ModelRegistry.READ_ATTEMPTS + 1);
    }

    @Test
    void aSwapThatMeetsReadFailuresIsTriedAgainAtTheNextRefresh() {
        ModelRegistry registry = registry(true);
        TestModels.publish(writer, "iris", TestModels.network(3));
        fs.failOpens("model.zip", ModelRegistry.READ_ATTEMPTS);
        registry.refresh();
        ModelSlot slot = registry.slot("iris");
        assertThat(slot.currentVersion()).isEqualTo(2);
        assertThat(slot.refused()).isEmpty();
        assertThat(slot.problem()).contains("injected transient failure");
        registry.refresh();
        assertThat(slot.currentVersion()).isEqualTo(3);
        assertThat(slot.problem()).isNull();
    }

    @Test
    void integrityFailuresAreRememberedAndNotReadAgain() throws Exception {
        ModelRegistry registry = registry(true);
        ModelVersion v1 = writer.resolve(new dev.hearth.store.ModelRef("iris", 1));
        Path zip = Path.of(URI.create(v1.location())).resolve("model.zip");
        byte[] bytes = Files.readAllBytes(zip);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(zip, bytes);

        assertThatThrownBy(() -> registry.acquireVersion("iris", 1, ANYONE))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("integrity"))
                .hasMessageContaining("SHA-256");
        assertThat(fs.opensOfFailingFile())
                .as("an integrity failure is not retried")
                .isEqualTo(1);
        assertThat(registry.slot("iris").refused()).containsOnlyKeys(1);
        assertThat(registry.versionProblem("iris", 1)).contains("SHA-256");

        assertThatThrownBy(() -> registry.acquireVersion("iris", 1, ANYONE))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("refused"))
                .hasMessageContaining("not served");
        assertThat(fs.opensOfFailingFile()).isEqualTo(1);
    }

    @Test
    void unknownVersionsAreLookedUpOnceThenRemembered() {
        ModelRegistry registry = registry(true);
        assertThatThrownBy(() -> registry.acquireVersion("iris", 99, ANYONE))
                .isInstanceOf(ModelNotFoundException.class);
        int calls = fs.calls();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> registry.acquireVersion("iris", 99, ANYONE))
                    .isInstanceOf(ModelNotFoundException.class);
            assertThatThrownBy(() -> registry.describe("iris", 99)).isInstanceOf(ModelNotFoundException.class);
        }
        assertThat(fs.calls()).as("store calls after the first lookup").isEqualTo(calls);
    }

    @Test
    void withOnDemandOffOtherVersionsAreRefusedBeforeTheStoreIsRead() {
        ModelRegistry registry = registry(false);
        AtomicInteger checks = new AtomicInteger();
        int calls = fs.calls();
        for (int v : new int[] {1, 99}) {
            assertThatThrownBy(() -> registry.acquireVersion("iris", v, checks::incrementAndGet))
                    .isInstanceOf(ModelNotFoundException.class)
                    .hasMessageContaining("version " + v + " of 'iris' is not served here")
                    .hasMessageContaining("serves version 2")
                    .hasMessageContaining("serving.versions.on.demand=true");
        }
        assertThat(registry.versionProblem("iris", 1)).contains("serving.versions.on.demand=true");
        assertThat(checks).hasValue(0);
        assertThat(fs.calls()).isEqualTo(calls);
        LoadedModel served = registry.acquireVersion("iris", 2, checks::incrementAndGet);
        served.release();
        assertThat(served.version().version()).isEqualTo(2);
        assertThat(checks).as("the served version needs no extra check").hasValue(0);
    }

    @Test
    void theCallersCheckRunsBeforeAnyOtherVersionIsLookedUp() {
        ModelRegistry registry = registry(true);
        int calls = fs.calls();
        assertThatThrownBy(() -> registry.acquireVersion("iris", 1, () -> {
                    throw new IllegalStateException("caller refused");
                }))
                .hasMessage("caller refused");
        assertThat(fs.calls()).isEqualTo(calls);
    }

    @Test
    void concurrentRequestsForOneVersionShareOneLoad() throws Exception {
        ModelRegistry registry = registry(true);
        CountDownLatch start = new CountDownLatch(1);
        List<Integer> versions = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    LoadedModel m = registry.acquireVersion("iris", 1, ANYONE);
                    versions.add(m.version().version());
                    m.release();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(versions).containsExactly(1, 1, 1, 1);
        assertThat(fs.opensOfFailingFile())
                .as("reads of version 1's model file")
                .isEqualTo(1);
    }
}
