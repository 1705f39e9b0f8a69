package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.Lease;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.testing.Drafts;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases are replaced atomically, live at most {@link Lease#MAX_TTL}, and an unreadable one expires. */
class LeaseFilesTest {
    @TempDir
    Path dir;

    private HadoopModelStore store;

    @BeforeEach
    void twoVersions() {
        store = HadoopModelStore.open(dir.toString(), new Configuration());
        store.publish("m", Drafts.text("v1", 0.5));
        store.publish("m", Drafts.text("v2", 0.5));
    }

    private Path lease(String holder, int version) {
        return dir.resolve("m/leases/" + holder + "@" + version + ".json");
    }

    @Test
    void aRenewalReplacesTheLeaseFileInsteadOfRewritingIt() throws Exception {
        Lease first = store.writeLease("m", "server-a", 1, Duration.ofMinutes(1));
        byte[] firstBytes = Files.readAllBytes(lease("server-a", 1));
        Lease second;
        try (InputStream before = Files.newInputStream(lease("server-a", 1))) {
            second = store.writeLease("m", "server-a", 1, Duration.ofMinutes(2));
            assertThat(second.expiresAt()).isNotEqualTo(first.expiresAt());
            // A reader that opened the old file still reads all of it: the renewal wrote a new file and renamed it
            // over the old name; writing in place would have truncated what this reader sees.
            assertThat(before.readAllBytes()).isEqualTo(firstBytes);
        }
        assertThat(store.leases("m"))
                .singleElement()
                .extracting(Lease::expiresAt)
                .isEqualTo(second.expiresAt());
        try (Stream<Path> files = Files.list(dir.resolve("m/leases"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("server-a@1.json");
        }
    }

    @Test
    void aTruncatedLeaseExpiresAtItsWriteTimePlusTheLongestTtl() throws Exception {
        store.writeLease("m", "server-a", 1, Duration.ofMinutes(30));
        Path file = lease("server-a", 1);
        byte[] full = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(full, full.length / 2));
        Instant written = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Files.setLastModifiedTime(file, FileTime.from(written));

        assertThat(store.leases("m")).singleElement().satisfies(l -> {
            assertThat(Instant.parse(l.expiresAt())).isEqualTo(written.plus(Lease.MAX_TTL));
            assertThat(l.activeAt(Instant.now())).isTrue();
        });
        RetentionPolicy keepOne = new RetentionPolicy(1, Duration.ZERO, Duration.ZERO);
        assertThat(store.gc(keepOne, false).kept())
                .extracting(GcCandidate::version)
                .containsExactly(1);

        // Written longer ago than any lease may live: it no longer pins version 1.
        Files.setLastModifiedTime(
                file, FileTime.from(Instant.now().minus(Lease.MAX_TTL).minusSeconds(1)));
        assertThat(store.leases("m"))
                .singleElement()
                .satisfies(l -> assertThat(l.activeAt(Instant.now())).isFalse());
        assertThat(store.gc(keepOne, true).candidates())
                .extracting(GcCandidate::version)
                .containsExactly(1);
        assertThat(store.listVersions("m")).hasSize(1);
    }

    @Test
    void anEmptyOrNonsenseLeaseCountsAsUnreadable() throws Exception {
        Files.createDirectories(dir.resolve("m/leases"));
        Files.writeString(lease("server-a", 1), "");
        Files.writeString(lease("server-b", 2), "{\"expiresAt\":\"tomorrow\"}", StandardCharsets.UTF_8);
        Instant old = Instant.now().minus(Duration.ofHours(2));
        Files.setLastModifiedTime(lease("server-a", 1), FileTime.from(old));
        Files.setLastModifiedTime(lease("server-b", 2), FileTime.from(old));
        assertThat(store.leases("m"))
                .allSatisfy(l -> assertThat(l.activeAt(Instant.now())).isFalse())
                .hasSize(2);
    }

    @Test
    void anExpiryBeyondTheLongestTtlIsCut() throws Exception {
        Files.createDirectories(dir.resolve("m/leases"));
        Files.writeString(
                lease("server-a", 1),
                "{\"model\":\"m\",\"holder\":\"server-a\",\"version\":1," + "\"expiresAt\":\"2999-01-01T00:00:00Z\"}");
        Instant written = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Files.setLastModifiedTime(lease("server-a", 1), FileTime.from(written));
        assertThat(store.leases("m"))
                .extracting(Lease::expiresAt)
                .containsExactly(written.plus(Lease.MAX_TTL).toString());
    }

    @Test
    void aTtlBeyondTheLongestIsRefused() {
        assertThatThrownBy(() -> store.writeLease("m", "server-a", 1, Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lease ttl must be > 0 and at most PT1H but was PT2H");
    }

    @Test
    void abandonedTemporaryLeaseFilesAreIgnoredAndCollected() throws Exception {
        store.writeLease("m", "server-a", 1, Duration.ofMinutes(1));
        Path tmp = dir.resolve("m/leases/_tmp.server-b@2.json.0d6f");
        Files.writeString(tmp, "{\"expiresAt\":");
        assertThat(store.leases("m")).extracting(Lease::holder).containsExactly("server-a");
        assertThat(store.gc(new RetentionPolicy(10, Duration.ZERO, Duration.ZERO), true)
                        .candidates())
                .extracting(GcCandidate::reason)
                .containsExactly("abandoned temporary file, older than the grace " + "period PT0S");
        assertThat(tmp).doesNotExist();
    }
}
