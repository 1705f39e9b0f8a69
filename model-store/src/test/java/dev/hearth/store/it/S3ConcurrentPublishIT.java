package dev.hearth.store.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.S3TestEndpoint;
import dev.hearth.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight JVMs publish ten versions each into one {@code s3a://} store with {@code hearth.store.multi-publisher=true}:
 * 80 distinct versions when the endpoint honours conditional writes, otherwise every process refuses to start
 * publishing with a message that names the reason, and nothing is written.
 */
class S3ConcurrentPublishIT {
    private static final int PROCESSES = 8;
    private static final int EACH = 10;

    @TempDir
    Path dir;

    @Test
    void eightPublishersGetDistinctVersionsOrAClearRefusal() throws Exception {
        try (S3TestEndpoint s3 = S3TestEndpoint.start()) {
            Path conf = dir.resolve("hadoop-conf");
            s3.writeCoreSite(conf, Map.of(HadoopModelStore.MULTI_PUBLISHER, "true"));
            String root = s3.uri("concurrent");
            boolean safe = HadoopModelStore.open(root, s3.hadoopConf()).multiPublisherSafe();
            Path logs = Files.createDirectories(dir.resolve("logs"));
            long start = System.nanoTime();
            List<ChildProcess> children = new ArrayList<>();
            for (int i = 0; i < PROCESSES; i++) {
                children.add(PublishProcess.start(logs, "p" + i, root, "shared", EACH, 64 * 1024, i, conf));
            }
            TreeSet<Integer> reported = new TreeSet<>();
            int refused = 0;
            for (ChildProcess c : children) {
                int code = c.waitFor(Duration.ofMinutes(5));
                if (safe) {
                    assertThat(code).as(c.errors()).isZero();
                } else {
                    assertThat(code).as("exit code of " + c.pid()).isNotZero();
                    assertThat(c.errors())
                            .contains("cannot run with several publishers")
                            .contains("does not honour conditional writes")
                            .doesNotContain(s3.secret());
                    assertThat(c.lines()).doesNotContain("ready");
                    refused++;
                }
                c.lines().stream()
                        .filter(l -> l.startsWith("published "))
                        .forEach(l -> reported.add(Integer.parseInt(l.substring("published ".length()))));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            HadoopModelStore store = HadoopModelStore.open(root, s3.hadoopConf());
            List<ModelVersion> versions = store.listVersions("shared");
            String summary;
            if (safe) {
                assertThat(reported)
                        .containsExactlyElementsOf(
                                IntStream.rangeClosed(1, 80).boxed().toList());
                assertThat(versions).hasSize(PROCESSES * EACH);
                for (ModelVersion v : versions) {
                    store.verify(v);
                }
                summary = String.format(
                        java.util.Locale.ROOT,
                        "S3 concurrency: %d JVMs x %d publishes -> %d "
                                + "distinct versions, all verified, in %.1f s%n",
                        PROCESSES,
                        EACH,
                        versions.size(),
                        seconds);
            } else {
                assertThat(versions).isEmpty();
                summary = String.format(
                        java.util.Locale.ROOT,
                        "S3 concurrency: endpoint ignores If-None-Match; "
                                + "%d of %d multi-publisher JVMs refused to open the store, 0 versions written (%.1f s)%n",
                        refused,
                        PROCESSES,
                        seconds);
            }
            System.out.print(summary);
            Files.writeString(Path.of("target", "s3-concurrency.txt"), summary);
        }
    }
}
