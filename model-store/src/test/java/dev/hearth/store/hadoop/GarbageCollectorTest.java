package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.GcReport;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.testing.Drafts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GarbageCollectorTest {
    private static final RetentionPolicy KEEP_TWO_NOW = new RetentionPolicy(2, Duration.ZERO, Duration.ZERO);

    @TempDir
    Path dir;

    private HadoopModelStore store;

    @BeforeEach
    void sixVersions() {
        store = HadoopModelStore.open(dir.toString(), new Configuration());
        for (int i = 1; i <= 6; i++) {
            store.publish("m", Drafts.text("v" + i, 0.5));
        }
    }

    @Test
    void dryRunByDefaultListsWhatWouldGoAndDeletesNothing() {
        GcReport report = store.gc(KEEP_TWO_NOW, false);
        assertThat(report.applied()).isFalse();
        assertThat(report.candidates()).extracting(GcCandidate::version).containsExactly(1, 2, 3, 4);
        assertThat(report.candidates().get(0).reason())
                .isEqualTo("not among the last 2 versions and older than PT0S");
        assertThat(store.listVersions("m")).hasSize(6);
    }

    @Test
    void neverDeletesAliasedOrLeasedVersionsAndKeepsYoungOnes() throws InterruptedException {
        store.setAlias("m", "production", 1, null, null);
        store.writeLease("m", "server-a", 3, Duration.ofMinutes(10));
        store.writeLease("m", "server-b", 2, Duration.ofMillis(1));
        Thread.sleep(10); // let server-b's lease expire (publishes no longer take long enough to do that for us)
        GcReport report = store.gc(KEEP_TWO_NOW, true);
        assertThat(report.candidates()).extracting(GcCandidate::version).containsExactly(2, 4);
        assertThat(report.kept()).extracting(GcCandidate::reason)
                .containsExactly("kept: an alias points to it", "kept: leased by server-a until "
                        + store.leases("m").stream().filter(l -> l.holder().equals("server-a")).findFirst()
                                .orElseThrow().expiresAt());
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(1, 3, 5, 6);
        assertThat(store.auditLog("m")).extracting(e -> e.action() + ":" + e.from())
                .contains("gc:2", "gc:4");
        // Everything is younger than a day: nothing goes.
        assertThat(store.gc(new RetentionPolicy(1, Duration.ofDays(1), Duration.ZERO), true).candidates()).isEmpty();
    }

    @Test
    void removesCrashLeftoversOnlyAfterTheGracePeriod() throws Exception {
        Files.createDirectories(dir.resolve("m/_staging/dead-publish"));
        Files.writeString(dir.resolve("m/_staging/dead-publish/model.zip"), "half");
        Files.createDirectories(dir.resolve("m/versions/7"));
        Files.writeString(dir.resolve("m/versions/7/model.zip"), "no marker");
        Files.writeString(dir.resolve("m/ids/_tmp.8.abc"), "x");

        RetentionPolicy hour = new RetentionPolicy(10, Duration.ZERO, Duration.ofHours(1));
        assertThat(store.gc(hour, true).candidates()).isEmpty();

        RetentionPolicy now = new RetentionPolicy(10, Duration.ZERO, Duration.ZERO);
        GcReport report = store.gc(now, true);
        assertThat(report.candidates()).extracting(GcCandidate::reason).containsExactly(
                "abandoned staging directory, older than the grace period PT0S",
                "uncommitted version directory (crashed publish or interrupted delete), older than the grace period PT0S",
                "abandoned temporary file, older than the grace period PT0S");
        assertThat(dir.resolve("m/_staging/dead-publish")).doesNotExist();
        assertThat(dir.resolve("m/versions/7")).doesNotExist();
        assertThat(dir.resolve("m/ids/_tmp.8.abc")).doesNotExist();
        assertThat(store.listVersions("m")).hasSize(6);
    }

    @Test
    void policyRejectsNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RetentionPolicy(0, Duration.ZERO, Duration.ZERO))
                .hasMessage("keepLast must be >= 1 but was 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new RetentionPolicy(1, Duration.ofDays(-1), Duration.ZERO))
                .hasMessage("keepYoungerThan must be >= 0 but was PT-24H");
    }
}
