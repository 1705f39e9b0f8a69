package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.GcReport;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.testing.Drafts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SIGKILL between hide and restore: a child JVM deleting version 1 passes its first checks, an alias moves
 * to version 1, the child hides it and is killed during its re-check. The next resolve of the alias restores the
 * version, and gc keeps it.
 */
class InterruptedRemovalIT {
    @TempDir
    Path dir;

    @Test
    void anAliasedVersionHiddenByAKilledRemovalComesBack() throws Exception {
        Path root = dir.resolve("store");
        HadoopModelStore store = HadoopModelStore.open(root.toString(), new Configuration());
        store.publish("m", Drafts.text("one", 0.5));
        store.publish("m", Drafts.text("two", 0.5));
        Path go = dir.resolve("go");
        Path out = dir.resolve("child.out");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                RemovalProcess.class.getName(),
                root.toString(),
                "m",
                "1",
                go.toString()));
        Process child = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        try {
            awaitLine(child, out, "checked");
            store.setAlias("m", "production", 1, null, "moved while the delete runs");
            Files.createFile(go);
            awaitLine(child, out, "hidden");
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(root.resolve("m/versions/1/_HIDDEN")).exists();
        assertThat(root.resolve("m/versions/1/_COMMITTED")).doesNotExist();

        ModelVersion v = store.resolve(ModelRef.parse("m@production"));
        assertThat(v.version()).isEqualTo(1);
        store.verify(v);
        assertThat(root.resolve("m/versions/1/_COMMITTED")).exists();
        GcReport gc = store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), true);
        assertThat(gc.candidates()).isEmpty();
        assertThat(gc.kept()).extracting(GcCandidate::version).containsExactly(1);
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(1, 2);
    }

    private static void awaitLine(Process child, Path out, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(out) || !Files.readAllLines(out).contains(line)) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("child did not print '" + line + "'; alive=" + child.isAlive()
                        + ", output=" + (Files.exists(out) ? Files.readAllLines(out) : List.of()) + ", errors="
                        + Files.readString(out.resolveSibling("child.err")));
            }
            Thread.sleep(20);
        }
    }
}
