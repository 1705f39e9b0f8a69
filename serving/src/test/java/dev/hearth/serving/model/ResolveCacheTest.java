package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.serving.TestModels;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version lookups are remembered, found or not, for their time to live and within the bound. */
class ResolveCacheTest {
    @TempDir
    Path dir;

    @Test
    void answersAreRememberedUntilTheyExpire() throws Exception {
        HadoopModelStore writer = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(writer, "iris", TestModels.network(1));
        Configuration conf = FlakyFileSystem.conf();
        HadoopModelStore store =
                HadoopModelStore.open("flaky://" + dir.resolve("store").toAbsolutePath(), conf);
        FlakyFileSystem fs = FlakyFileSystem.of(conf);
        AtomicLong now = new AtomicLong();
        ResolveCache cache = new ResolveCache(store, 2, Duration.ofSeconds(2), now::get);

        assertThat(cache.resolve("iris", 1).version()).isEqualTo(1);
        assertThatThrownBy(() -> cache.resolve("iris", 2)).isInstanceOf(ModelNotFoundException.class);
        int calls = fs.calls();
        TestModels.publish(writer, "iris", TestModels.network(2));
        now.addAndGet(Duration.ofMillis(1999).toNanos());
        assertThat(cache.resolve("iris", 1).version()).isEqualTo(1);
        assertThatThrownBy(() -> cache.resolve("iris", 2))
                .as("still the remembered answer")
                .isInstanceOf(ModelNotFoundException.class);
        assertThat(fs.calls()).isEqualTo(calls);

        now.addAndGet(Duration.ofMillis(2).toNanos());
        assertThat(cache.resolve("iris", 2).version())
                .as("expired: asked the store again")
                .isEqualTo(2);
        assertThat(fs.calls()).isGreaterThan(calls);
    }

    @Test
    void theLeastRecentlyUsedAnswerIsDroppedBeyondTheBound() throws Exception {
        Configuration conf = FlakyFileSystem.conf();
        HadoopModelStore writer = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        TestModels.publish(writer, "iris", TestModels.network(1));
        HadoopModelStore store =
                HadoopModelStore.open("flaky://" + dir.resolve("store").toAbsolutePath(), conf);
        FlakyFileSystem fs = FlakyFileSystem.of(conf);
        ResolveCache cache = new ResolveCache(store, 2, Duration.ofHours(1), System::nanoTime);
        for (int v = 10; v <= 12; v++) {
            int version = v;
            assertThatThrownBy(() -> cache.resolve("iris", version)).isInstanceOf(ModelNotFoundException.class);
        }
        int calls = fs.calls();
        assertThatThrownBy(() -> cache.resolve("iris", 12)).isInstanceOf(ModelNotFoundException.class);
        assertThat(fs.calls()).isEqualTo(calls);
        assertThatThrownBy(() -> cache.resolve("iris", 10)).isInstanceOf(ModelNotFoundException.class);
        assertThat(fs.calls()).as("10 was dropped, so the store is asked again").isGreaterThan(calls);
    }
}
