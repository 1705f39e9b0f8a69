package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.GcReport;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.testing.Drafts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removal with hide, re-check, claim or restore: the marker comes back after any failure before the claim, and a
 * version an interrupted removal left hidden comes back on the next read when an alias or lease names it.
 */
class VersionRemoverTest {
    private static final RetentionPolicy LEFTOVERS_NOW = new RetentionPolicy(100, Duration.ZERO, Duration.ZERO);

    @TempDir
    Path dir;

    private FaultyFileSystem fs;
    private HadoopModelStore store;

    @BeforeEach
    void fourVersions() throws IOException {
        fs = FaultyFileSystem.open(new Configuration());
        store = fs.store(dir, new Configuration());
        for (int i = 1; i <= 4; i++) {
            store.publish("m", Drafts.text("v" + i, 0.5));
        }
    }

    /** Fails the re-check: listing the aliases while version 2 is hidden. */
    private void failRecheckWith(Throwable t) {
        fs.fault((op, path) -> {
            if (op.equals("listStatus") && path.getName().equals("aliases") && hidden(2)) {
                if (t instanceof IOException io) {
                    throw io;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
        });
    }

    private boolean hidden(int version) {
        return Files.exists(dir.resolve("m/versions/" + version + "/_HIDDEN"));
    }

    private Path marker(int version) {
        return dir.resolve("m/versions/" + version + "/_COMMITTED");
    }

    @Test
    void anIoFailureDuringTheRecheckRestoresTheMarker() throws Exception {
        byte[] bytes = Files.readAllBytes(marker(2));
        failRecheckWith(new IOException("injected: aliases unreadable"));
        assertThatThrownBy(() -> store.delete("m", 2, "test"))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("injected: aliases unreadable");
        fs.fault((op, path) -> {});
        assertThat(marker(2)).hasBinaryContent(bytes);
        assertThat(hidden(2)).isFalse();
        store.verify(store.resolve(ModelRef.parse("m/2")));
    }

    @Test
    void anErrorDuringTheRecheckRestoresTheMarker() {
        failRecheckWith(new OutOfMemoryError("injected"));
        assertThatThrownBy(() -> store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), true))
                .isInstanceOf(OutOfMemoryError.class);
        fs.fault((op, path) -> {});
        // gc went oldest first: version 1 is gone, version 2 (where the Error hit) is back, 3 and 4 untouched.
        assertThat(hidden(2)).isFalse();
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(2, 3, 4);
    }

    @Test
    void anInterruptedRemovalOfAnAliasedVersionComesBackOnTheNextResolve() throws Exception {
        store.setAlias("m", "production", 2, null, "release");
        hideAsAKilledRemovalWould(2);
        assertThat(store.resolve(ModelRef.parse("m@production")).version()).isEqualTo(2);
        assertThat(marker(2)).exists();
        assertThat(hidden(2)).isFalse();
    }

    @Test
    void everyReadPathRestoresAProtectedHiddenVersion() throws Exception {
        store.setAlias("m", "production", 2, null, "release");
        store.writeLease("m", "server-a", 3, Duration.ofMinutes(5));

        hideAsAKilledRemovalWould(2);
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(1, 2, 3, 4);

        hideAsAKilledRemovalWould(3);
        assertThat(store.resolve(ModelRef.parse("m/3")).version()).isEqualTo(3);

        hideAsAKilledRemovalWould(2);
        store.setAlias("m", "canary", 2, null, "try");
        assertThat(store.aliases("m")).containsEntry("canary", 2);

        hideAsAKilledRemovalWould(3);
        GcReport dryRun = store.gc(LEFTOVERS_NOW, false);
        assertThat(dryRun.candidates()).isEmpty();
        assertThat(dryRun.kept())
                .extracting(GcCandidate::reason)
                .anySatisfy(r -> assertThat(r)
                        .startsWith("kept: leased by server-a until")
                        .endsWith("; restored: hidden by a removal that did not finish"));
        assertThat(marker(3)).exists();
    }

    @Test
    void anInterruptedRemovalOfAnUnprotectedVersionStaysHiddenUntilGcFinishesIt() throws Exception {
        hideAsAKilledRemovalWould(4);
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m/4"))).isInstanceOf(ModelNotFoundException.class);
        assertThat(store.resolve(ModelRef.parse("m")).version()).isEqualTo(3);
        assertThatThrownBy(() -> store.setAlias("m", "production", 4, null, null))
                .isInstanceOf(ModelNotFoundException.class);

        assertThat(store.gc(new RetentionPolicy(100, Duration.ZERO, Duration.ofHours(1)), true)
                        .candidates())
                .as("within the grace period a removal may still be running")
                .isEmpty();
        assertThat(hidden(4)).isTrue();

        GcReport report = store.gc(LEFTOVERS_NOW, true);
        assertThat(report.candidates())
                .extracting(GcCandidate::reason)
                .containsExactly("hidden by a removal that did not finish, older than the grace period PT0S");
        assertThat(dir.resolve("m/versions/4")).doesNotExist();
        assertThat(store.auditLog("m"))
                .extracting(e -> e.action() + ":" + e.from())
                .contains("gc:4");
    }

    @Test
    void aRemovalWhoseClaimLosesToARestoreKeepsTheVersion() throws Exception {
        // Right after this removal's re-check read the leases (none), a server leases the version and another
        // process restores it: the removal's claim then finds _HIDDEN gone and keeps the version.
        store.writeLease("m", "server-b", 4, Duration.ofMinutes(5));
        fs.fault((op, path) -> {
            if (op.equals("listed") && path.getName().equals("leases") && hidden(2)) {
                fs.fault((o, p) -> {});
                store.writeLease("m", "server-a", 2, Duration.ofMinutes(5));
                assertThat(store.remover().recover("m", 2)).isTrue();
            }
        });
        assertThat(store.remover().remove("m", 2)).isEqualTo("kept: another process restored it while it was hidden");
        assertThat(marker(2)).exists();
        assertThat(hidden(2)).isFalse();
        store.verify(store.resolve(ModelRef.parse("m/2")));
    }

    @Test
    void removingAVersionAnotherRemovalHidFailsAsNotFound() throws Exception {
        hideAsAKilledRemovalWould(1);
        assertThatThrownBy(() -> store.remover().remove("m", 1))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessage("model m/1 is not committed any more (another process is removing it or removed it)");
    }

    /** What a removal killed right after hiding leaves: the marker renamed to _HIDDEN. */
    private void hideAsAKilledRemovalWould(int version) throws IOException {
        Files.move(marker(version), marker(version).resolveSibling("_HIDDEN"));
    }
}
