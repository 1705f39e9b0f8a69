package dev.hearth.store.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.GcReport;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.VersionConflictException;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.Drafts;
import dev.hearth.testing.hdfs.MiniHdfs;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store against a real HDFS (MiniDFSCluster on 127.0.0.1, ephemeral ports). */
class HdfsModelStoreIT {
    @TempDir
    static Path base;

    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() {
        hdfs = MiniHdfs.start(base.resolve("hdfs"));
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private static HadoopModelStore store(String root) {
        return HadoopModelStore.open(hdfs.uri(root), hdfs.configuration());
    }

    @Test
    void publishLoadAliasVerifyAndGc() throws Exception {
        HadoopModelStore store = store("models");
        assertThat(store.root()).startsWith("hdfs://127.0.0.1:");
        ModelVersion v1 = store.publish("iris", Drafts.text("one", 0.8));
        ModelVersion v2 = store.publish("iris", Drafts.random(3_000_000, 7));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(new String(store.readFile(v1, "model.zip"), StandardCharsets.UTF_8))
                .isEqualTo("one");
        store.verify(store.resolve(ModelRef.parse("iris/2")));

        store.setAlias("iris", "production", 1, null, "first");
        assertThatThrownBy(() -> store.setAlias("iris", "production", 2, null, "stale"))
                .isInstanceOf(VersionConflictException.class);
        store.setAlias("iris", "production", 2, 1, "second");
        assertThat(store.resolve(ModelRef.parse("iris@production")).version()).isEqualTo(2);
        store.rollback("iris", "production", "back");
        assertThat(store.resolve(ModelRef.parse("iris@production")).version()).isEqualTo(1);

        FileSystem fs = hdfs.fileSystem();
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path("/models/iris/_staging/crashed");
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(staging, "model.zip"))) {
            out.write(1);
        }
        store.publish("iris", Drafts.text("three", 0.9));
        GcReport report = store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), true);
        assertThat(report.candidates()).extracting(GcCandidate::version).containsExactly(null, 2);
        assertThat(report.kept()).extracting(GcCandidate::version).containsExactly(1);
        assertThat(fs.exists(staging)).isFalse();
        assertThat(store.listVersions("iris")).extracting(ModelVersion::version).containsExactly(1, 3);
        assertThat(store.publish("iris", Drafts.text("four", 0.9)).version()).isEqualTo(4);
    }

    @Test
    void concurrentPublishersAndAliasRaceOnHdfs() throws Exception {
        HadoopModelStore store = store("race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            futures.add(pool.submit(
                    () -> store.publish("m", Drafts.text("v" + n, 0.5)).version()));
        }
        List<Integer> versions = new ArrayList<>();
        for (Future<Integer> f : futures) {
            versions.add(f.get());
        }
        assertThat(versions)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.rangeClosed(1, 20).boxed().toList());
        List<Future<Boolean>> cas = new ArrayList<>();
        for (int target : new int[] {5, 6}) {
            cas.add(pool.submit(() -> {
                try {
                    store.setAlias("m", "staging", target, null, "race");
                    return true;
                } catch (VersionConflictException e) {
                    return false;
                }
            }));
        }
        int wins = 0;
        for (Future<Boolean> f : cas) {
            wins += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(wins).isEqualTo(1);
    }

    @Test
    void aCommitOntoAnExistingVersionIsRefusedOnHdfs() throws Exception {
        FileSystem fs = hdfs.fileSystem();
        // What the store must not do: Hadoop's rename(dir, existingDir) moves dir INSIDE the target and says true.
        org.apache.hadoop.fs.Path a = new org.apache.hadoop.fs.Path("/demo/a");
        org.apache.hadoop.fs.Path b = new org.apache.hadoop.fs.Path("/demo/b");
        fs.mkdirs(a);
        fs.mkdirs(b);
        assertThat(fs.rename(a, b)).isTrue();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(b, "a"))).isTrue();

        HadoopModelStore store = store("existing");
        store.publish("m", Drafts.text("one", 0.5));
        org.apache.hadoop.fs.Path taken = new org.apache.hadoop.fs.Path("/existing/m/versions/2");
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(taken, "model.zip"))) {
            out.write("not mine".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> store.publish("m", Drafts.text("two", 0.5)))
                .isInstanceOf(dev.hearth.store.ModelStoreException.class)
                .hasMessageContaining("cannot commit m/2: hdfs://")
                .hasMessageContaining("already exists (not made by this publish; nothing was changed");
        assertThat(fs.listStatus(taken))
                .extracting(st -> st.getPath().getName())
                .containsExactly("model.zip");
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/existing/m/_staging")))
                .isEmpty();
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(1);
        assertThat(store.publish("m", Drafts.text("three", 0.5)).version()).isEqualTo(3);
    }

    @Test
    void hiddenVersionsLeasesAndRemovalOnHdfs() throws Exception {
        FileSystem fs = hdfs.fileSystem();
        HadoopModelStore store = store("hide");
        for (int i = 1; i <= 3; i++) {
            store.publish("m", Drafts.text("v" + i, 0.5));
        }
        store.setAlias("m", "production", 2, null, null);
        // A removal killed after hiding version 2 (aliased) and version 1 (not): 2 comes back on the next
        // resolve, 1 stays hidden until gc finishes its removal.
        for (int v : new int[] {1, 2}) {
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path("/hide/m/versions/" + v);
            assertThat(fs.rename(
                            new org.apache.hadoop.fs.Path(dir, "_COMMITTED"),
                            new org.apache.hadoop.fs.Path(dir, "_HIDDEN")))
                    .isTrue();
        }
        assertThat(store.resolve(ModelRef.parse("m@production")).version()).isEqualTo(2);
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/hide/m/versions/2/_COMMITTED")))
                .isTrue();
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(2, 3);
        GcReport report = store.gc(new RetentionPolicy(10, Duration.ZERO, Duration.ZERO), true);
        assertThat(report.candidates()).extracting(GcCandidate::version).containsExactly(1);
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/hide/m/versions/1")))
                .isFalse();

        // Leases are renamed over the old file: a reader of the old one still reads it whole.
        store.writeLease("m", "server-a", 3, Duration.ofMinutes(1));
        org.apache.hadoop.fs.Path lease = new org.apache.hadoop.fs.Path("/hide/m/leases/server-a@3.json");
        byte[] before;
        try (java.io.InputStream in = fs.open(lease)) {
            before = in.readAllBytes();
        }
        try (java.io.InputStream old = fs.open(lease)) {
            store.writeLease("m", "server-a", 3, Duration.ofMinutes(2));
            assertThat(old.readAllBytes()).isEqualTo(before);
        }
        assertThat(fs.listStatus(lease.getParent()))
                .extracting(st -> st.getPath().getName())
                .containsExactly("server-a@3.json");
        assertThatThrownBy(() -> store.delete("m", 3, "leased")).isInstanceOf(VersionConflictException.class);
        store.releaseLease("m", "server-a");
        store.delete("m", 3, "no longer leased");
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(2);
    }

    @Test
    void publishVersusPlainCopyOnHdfs() throws Exception {
        Path local = base.resolve("bytes.bin");
        PublishBenchmark.Result r =
                PublishBenchmark.run(store("bench"), hdfs.fileSystem(), new org.apache.hadoop.fs.Path("/copy"), local);
        Files.writeString(Path.of("target", "publish-benchmark-hdfs.txt"), r.describe("hdfs (MiniDFSCluster)"));
        System.out.print(r.describe("hdfs (MiniDFSCluster)"));
    }
}
