package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.GcReport;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.StoreLock;
import dev.hearth.store.testing.Drafts;
import dev.hearth.store.testing.TestKeystore;
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
        assertThat(report.candidates().get(0).reason()).isEqualTo("not among the last 2 versions and older than PT0S");
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
        assertThat(report.kept())
                .extracting(GcCandidate::reason)
                .containsExactly(
                        "kept: an alias points to it",
                        "kept: leased by server-a until "
                                + store.leases("m").stream()
                                        .filter(l -> l.holder().equals("server-a"))
                                        .findFirst()
                                        .orElseThrow()
                                        .expiresAt());
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(1, 3, 5, 6);
        assertThat(store.auditLog("m"))
                .extracting(e -> e.action() + ":" + e.from())
                .contains("gc:2", "gc:4");
        // Everything is younger than a day: nothing goes.
        assertThat(store.gc(new RetentionPolicy(1, Duration.ofDays(1), Duration.ZERO), true)
                        .candidates())
                .isEmpty();
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
        assertThat(report.candidates())
                .extracting(GcCandidate::reason)
                .containsExactly(
                        "abandoned staging directory, older than the grace period PT0S",
                        "uncommitted version directory (crashed publish or interrupted delete), older than the grace period PT0S",
                        "abandoned temporary file, older than the grace period PT0S");
        assertThat(dir.resolve("m/_staging/dead-publish")).doesNotExist();
        assertThat(dir.resolve("m/versions/7")).doesNotExist();
        assertThat(dir.resolve("m/ids/_tmp.8.abc")).doesNotExist();
        assertThat(store.listVersions("m")).hasSize(6);
    }

    @Test
    void neverRemovesAnUncommittedDirectoryThatAnAliasOrALeaseNames() throws Exception {
        // What an older removal killed after deleting the marker left: complete directories without _COMMITTED
        // that an alias and a lease still name. Readers ignore them; gc must not delete them.
        store.setAlias("m", "production", 2, null, null);
        store.writeLease("m", "server-a", 3, Duration.ofMinutes(10));
        Files.delete(dir.resolve("m/versions/2/_COMMITTED"));
        Files.delete(dir.resolve("m/versions/3/_COMMITTED"));
        Files.delete(dir.resolve("m/versions/4/_COMMITTED"));

        GcReport report = store.gc(new RetentionPolicy(10, Duration.ZERO, Duration.ZERO), true);
        assertThat(report.candidates()).extracting(GcCandidate::version).containsExactly(4);
        assertThat(report.kept())
                .extracting(c -> c.version() + " " + c.reason())
                .containsExactly(
                        "2 kept: an alias points to it; uncommitted (crashed publish or interrupted delete), left for the "
                                + "alias or lease",
                        "3 kept: leased by server-a until "
                                + store.leases("m").get(0).expiresAt()
                                + "; uncommitted (crashed publish or interrupted delete), left for the alias or lease");
        assertThat(dir.resolve("m/versions/2/model.zip")).exists();
        assertThat(dir.resolve("m/versions/3/model.zip")).exists();
        assertThat(dir.resolve("m/versions/4")).doesNotExist();
    }

    @Test
    void policyRejectsNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RetentionPolicy(0, Duration.ZERO, Duration.ZERO))
                .hasMessage("keepLast must be >= 1 but was 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new RetentionPolicy(1, Duration.ofDays(-1), Duration.ZERO))
                .hasMessage("keepYoungerThan must be >= 0 but was PT-24H");
    }

    @Test
    void anAliasSetWhileTheVersionIsHiddenKeepsIt() throws Exception {
        // What the removal sees when an alias moved to the version after its first check: it hides the version,
        // finds the alias on the second check and restores the marker, byte for byte.
        byte[] marker = Files.readAllBytes(dir.resolve("m/versions/2/_COMMITTED"));
        store.setAlias("m", "staging", 2, null, null);
        VersionRemover remover = remover();
        assertThat(remover.remove("m", 2)).isEqualTo("kept: an alias points to it");
        assertThat(dir.resolve("m/versions/2/_COMMITTED")).hasBinaryContent(marker);
        store.verify(store.resolve(dev.hearth.store.ModelRef.parse("m/2")));
        assertThat(remover.remove("m", 3)).isNull();
        assertThat(dir.resolve("m/versions/3")).doesNotExist();
    }

    @Test
    void anAliasMovedToAVersionHiddenMeanwhileIsPutBack() throws Exception {
        // What an alias move sees when a removal hid the version after the move's own check.
        store.setAlias("m", "production", 5, null, null);
        Files.delete(dir.resolve("m/versions/4/_COMMITTED"));
        assertThatThrownBy(() -> store.moveToCommitted(
                        "m", "production", 4, 5, dev.hearth.store.AuditEvent.ALIAS_SET, "promote"))
                .isInstanceOf(dev.hearth.store.ModelNotFoundException.class)
                .hasMessage("model m/4 was deleted while alias 'production' moved to it; the alias was put back to 5");
        assertThat(store.aliases("m")).containsEntry("production", 5);
        assertThatThrownBy(() ->
                        store.moveToCommitted("m", "canary", 4, null, dev.hearth.store.AuditEvent.ALIAS_SET, "try"))
                .hasMessageEndingWith("the alias was put back to unset");
        assertThat(store.aliases("m")).doesNotContainKey("canary");
        assertThat(store.aliasHistory("m", "production"))
                .extracting(e -> e.from() + ">" + e.to())
                .containsExactly("null>5", "5>4", "4>5");
    }

    @Test
    void concurrentAliasMovesAndCollectionsNeverLeaveAnAliasOnADeletedVersion() throws Exception {
        for (int i = 7; i <= 30; i++) {
            store.publish("m", Drafts.text("v" + i, 0.5));
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread mover = new Thread(() -> {
            java.util.Random random = new java.util.Random(7);
            while (!stop.get()) {
                int target = 1 + random.nextInt(29);
                try {
                    store.setAlias("m", "production", target, store.aliases("m").get("production"), null);
                } catch (RuntimeException expected) {
                    // deleted already, or moved back by a revert: try another
                }
            }
        });
        mover.start();
        try {
            for (int round = 0; round < 30; round++) {
                store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), true);
            }
        } finally {
            stop.set(true);
            mover.join();
        }
        for (int v : store.aliases("m").values()) {
            store.verify(store.resolve(dev.hearth.store.ModelRef.parse("m/" + v)));
        }
    }

    @Test
    void removesWhatACrashedEncryptOrRekeyLeftInACommittedVersionAndNothingTheMetadataReferences() throws Exception {
        TestKeystore keys = new TestKeystore(dir.resolve("keys"));
        keys.create("models", 256);
        HadoopModelStore sealing = HadoopModelStore.open(dir.toString(), keys.conf("models"));
        sealing.encrypt(sealing.resolve(ModelRef.parse("m/6")), null);
        Path plain = dir.resolve("m/versions/5");
        Path sealed = dir.resolve("m/versions/6");
        byte[] ciphertext = Files.readAllBytes(sealed.resolve("model.zip.enc"));
        // What kill -9 leaves: a half-written .enc next to plaintext (before the commit), plaintext next to the
        // committed .enc (after it), and the temporary metadata of an unfinished replacement.
        Files.write(plain.resolve("model.zip.enc"), java.util.Arrays.copyOf(ciphertext, 40));
        Files.writeString(sealed.resolve("model.zip"), "v6");
        Files.writeString(sealed.resolve("_tmp.metadata.json.0d9c"), "{");
        Files.writeString(plain.resolve("notes.txt"), "not ours: never touched");

        RetentionPolicy keepAll = new RetentionPolicy(10, Duration.ZERO, Duration.ofHours(1));
        assertThat(sealing.gc(keepAll, true).candidates()).isEmpty();

        RetentionPolicy now = new RetentionPolicy(10, Duration.ZERO, Duration.ZERO);
        StoreLock held = sealing.acquireLock("m", VersionKeys.LOCK, "models encrypt", Duration.ofMinutes(5));
        GcReport whileLocked = sealing.gc(now, true);
        assertThat(whileLocked.candidates())
                .extracting(c -> c.path().substring(c.path().indexOf("/m/versions/")))
                .containsExactlyInAnyOrder(
                        "/m/versions/5/model.zip.enc",
                        "/m/versions/6/model.zip",
                        "/m/versions/6/_tmp.metadata.json.0d9c");
        assertThat(plain.resolve("model.zip.enc"))
                .as("an encrypt holding the keys lock may be writing it")
                .exists();
        sealing.releaseLock(held);

        GcReport report = sealing.gc(now, true);
        assertThat(report.candidates())
                .extracting(GcCandidate::reason)
                .containsExactlyInAnyOrder(
                        "sealed copy of a plaintext version, left by an interrupted encrypt, older than the grace period PT0S",
                        "plaintext copy of an encrypted version, left by an interrupted encrypt, older than the grace period PT0S",
                        "temporary metadata of an interrupted encrypt or rekey, older than the grace period PT0S");
        assertThat(plain.resolve("model.zip.enc")).doesNotExist();
        assertThat(sealed.resolve("model.zip")).doesNotExist();
        assertThat(sealed.resolve("_tmp.metadata.json.0d9c")).doesNotExist();
        assertThat(plain.resolve("notes.txt")).exists();
        assertThat(plain.resolve("model.zip")).exists();
        assertThat(sealed.resolve("model.zip.enc")).exists();
        for (int v = 1; v <= 6; v++) {
            sealing.verify(sealing.resolve(ModelRef.parse("m/" + v)));
        }
        assertThat(new String(
                        sealing.readFile(sealing.resolve(ModelRef.parse("m/6")), "model.zip"),
                        java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("v6");
        assertThat(sealing.gc(now, true).candidates()).isEmpty();
    }

    private VersionRemover remover() {
        return store.remover();
    }
}
