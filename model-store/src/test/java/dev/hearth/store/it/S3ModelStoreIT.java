package dev.hearth.store.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.GcReport;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.VersionConflictException;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.Drafts;
import dev.hearth.store.testing.S3TestEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on {@code s3a://} against a real S3 endpoint (S3Proxy on loopback, file-system backend). */
class S3ModelStoreIT {
    @TempDir
    static Path base;

    private static S3TestEndpoint s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3TestEndpoint.start();
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void s3aWithoutAnExplicitEndpointFailsTheTest() {
        Configuration conf = s3.hadoopConf();
        conf.unset("fs.s3a.endpoint");
        assertThatThrownBy(() -> S3TestEndpoint.requireLoopback(conf))
                .hasMessageContaining("without an explicit fs.s3a.endpoint");
        conf.set("fs.s3a.endpoint", "http://8.8.8.8:9000");
        assertThatThrownBy(() -> S3TestEndpoint.requireLoopback(conf)).hasMessageContaining("not a loopback");
    }

    @Test
    void publishVerifyAliasCasRollbackLeasesAndGc() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(s3.uri("models"), s3.hadoopConf());
        assertThat(store.root()).isEqualTo("s3a://hearth/models");
        ModelVersion v1 = store.publish("iris", Drafts.text("one", 0.8));
        ModelVersion v2 = store.publish("iris", Drafts.random(3_000_000, 7));
        ModelVersion v3 = store.publish("iris", Drafts.text("three", 0.9));
        assertThat(v3.version()).isEqualTo(3);
        assertThat(store.listVersions("iris")).extracting(ModelVersion::version).containsExactly(1, 2, 3);
        assertThat(new String(store.readFile(v1, "model.zip"), StandardCharsets.UTF_8))
                .isEqualTo("one");
        store.verify(store.resolve(ModelRef.parse("iris/2")));
        assertThat(store.resolve(ModelRef.parse("iris")).version()).isEqualTo(3);

        store.setAlias("iris", "production", 1, null, "first");
        assertThatThrownBy(() -> store.setAlias("iris", "production", 2, null, "stale"))
                .isInstanceOf(VersionConflictException.class);
        store.setAlias("iris", "production", 2, 1, "second");
        assertThatThrownBy(() -> store.setAlias("iris", "production", 3, 1, "stale expectation"))
                .isInstanceOf(VersionConflictException.class)
                .hasMessageContaining("2");
        store.rollback("iris", "production", "bad");
        assertThat(store.resolve(ModelRef.parse("iris@production")).version()).isEqualTo(1);
        assertThat(store.aliasHistory("iris", "production")).hasSize(3);

        store.writeLease("iris", "server-a", 2, Duration.ofMinutes(5));
        assertThatThrownBy(() -> store.delete("iris", 2, "leased")).isInstanceOf(VersionConflictException.class);
        store.releaseLease("iris", "server-a");

        // A publish killed after writing its files but before _COMMITTED: never listed, removed by gc.
        ModelVersion v4 = store.publish("iris", Drafts.text("four", 0.1));
        org.apache.hadoop.fs.FileSystem fs =
                new org.apache.hadoop.fs.Path(s3.uri("models")).getFileSystem(s3.hadoopConf());
        fs.delete(new org.apache.hadoop.fs.Path(v4.location(), "_COMMITTED"), false);
        assertThat(store.listVersions("iris")).extracting(ModelVersion::version).containsExactly(1, 2, 3);

        GcReport dry = store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), false);
        assertThat(dry.candidates()).isNotEmpty();
        assertThat(store.listVersions("iris")).hasSize(3);
        store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), true);
        // Kept: 1 (aliased) and 3 (newest); 2 deleted; the uncommitted 4 removed.
        assertThat(store.listVersions("iris")).extracting(ModelVersion::version).containsExactly(1, 3);
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(v4.location()))).isFalse();
        assertThat(store.publish("iris", Drafts.text("five", 0.5)).version()).isEqualTo(5);
        for (ModelVersion v : store.listVersions("iris")) {
            store.verify(v);
        }
        assertThat(store.auditLog("iris")).isNotEmpty();
    }

    @Test
    void conditionalWritesAreProbedAndMultiPublisherModeFollowsTheProbe() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(s3.uri("probe"), s3.hadoopConf());
        System.out.println("S3Proxy 2.6.0 exclusive creates: " + store.exclusiveCreates());
        Files.writeString(Path.of("target", "s3-conditional-writes.txt"), store.exclusiveCreates() + "\n");
        Configuration multi = s3.hadoopConf();
        multi.setBoolean(HadoopModelStore.MULTI_PUBLISHER, true);
        if (store.multiPublisherSafe()) {
            assertThat(HadoopModelStore.open(s3.uri("probe"), multi).multiPublisherSafe())
                    .isTrue();
        } else {
            assertThatThrownBy(() -> HadoopModelStore.open(s3.uri("probe"), multi))
                    .isInstanceOf(ModelStoreException.class)
                    .hasMessageContaining("cannot run with several publishers")
                    .hasMessageContaining("If-None-Match");
        }
        // The probe leaves nothing behind.
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(s3.uri("probe"));
        org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(s3.hadoopConf());
        if (fs.exists(root)) {
            assertThat(java.util.Arrays.stream(fs.listStatus(root))
                            .map(st -> st.getPath().getName()))
                    .noneMatch(f -> f.startsWith("_tmp.probe-"));
        }
    }
}
