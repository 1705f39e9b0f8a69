package dev.hearth.store.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Eight separate JVMs publish ten versions each into one store at once: 80 distinct versions, all verifiable. */
class ConcurrentPublishIT {
    private static final int PROCESSES = 8;
    private static final int EACH = 10;

    @TempDir
    Path dir;

    @Test
    void eightProcessesGetEightyDistinctVersions() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        String root = dir.resolve("store").toString();
        long start = System.nanoTime();
        List<ChildProcess> children = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            children.add(PublishProcess.start(logs, "p" + i, root, "shared", EACH, 256 * 1024, i));
        }
        TreeSet<Integer> reported = new TreeSet<>();
        int reports = 0;
        for (ChildProcess c : children) {
            assertThat(c.waitFor(Duration.ofMinutes(5)))
                    .as("exit code of " + c.pid())
                    .isZero();
            for (String line : c.lines()) {
                if (line.startsWith("published ")) {
                    reported.add(Integer.parseInt(line.substring("published ".length())));
                    reports++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        HadoopModelStore store = HadoopModelStore.open(root, new Configuration());
        List<ModelVersion> versions = store.listVersions("shared");
        assertThat(reports).isEqualTo(PROCESSES * EACH);
        assertThat(reported)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 80).boxed().toList());
        assertThat(versions)
                .extracting(ModelVersion::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 80).boxed().toList());
        for (ModelVersion v : versions) {
            store.verify(v);
        }
        String summary = String.format(
                java.util.Locale.ROOT,
                "concurrency: %d JVMs x %d publishes -> %d distinct versions (1..%d), all verified, in %.1f s%n",
                PROCESSES,
                EACH,
                versions.size(),
                versions.get(versions.size() - 1).version(),
                seconds);
        System.out.print(summary);
        Files.writeString(Path.of("target", "concurrency.txt"), summary);
    }
}
