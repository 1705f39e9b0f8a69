package dev.hearth.store.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.GcReport;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM publishing 32 MB models is killed with SIGKILL at seeded-random moments, 24 times: after each kill
 * the store lists only complete, verifiable versions and the next publish succeeds; GC then removes the leftovers.
 */
class CrashPublishIT {
    private static final int TRIALS = 24;
    private static final long MODEL_BYTES = 32L << 20;

    @TempDir
    Path dir;

    @Test
    void killedPublishersLeaveOnlyCompleteVersions() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        String root = dir.resolve("store").toString();
        HadoopModelStore store = HadoopModelStore.open(root, new Configuration());
        Random random = new Random(20240607L);
        int completedByChildren = 0;
        int leftoversSeen = 0;
        int verified = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            ChildProcess child = PublishProcess.start(logs, "trial" + trial, root, "big", 1000, MODEL_BYTES, trial);
            completedByChildren += CrashTrials.killAtRandomMoment(child, random);

            List<ModelVersion> versions = store.listVersions("big");
            for (ModelVersion v : versions) {
                store.verify(v);
                verified++;
            }
            if (hasLeftovers(dir.resolve("store/big"))) {
                leftoversSeen++;
            }
            CrashTrials.publishAfterKill(store, trial);
        }
        GcReport gc = store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), true);
        assertThat(hasLeftovers(dir.resolve("store/big"))).isFalse();
        String summary = String.format(
                java.util.Locale.ROOT,
                "crash trials: %d SIGKILLs (seed 20240607), %d versions committed by the killed children, "
                        + "%d versions verified after kills, %d kills left staging/uncommitted leftovers "
                        + "(never listed), %d follow-up publishes succeeded, gc removed %d leftovers%n",
                TRIALS,
                completedByChildren,
                verified,
                leftoversSeen,
                TRIALS,
                gc.candidates().size());
        System.out.print(summary);
        Files.writeString(Path.of("target", "crash-trials.txt"), summary);
    }

    private static boolean hasLeftovers(Path model) throws Exception {
        Path staging = model.resolve("_staging");
        if (Files.isDirectory(staging)) {
            try (Stream<Path> s = Files.list(staging)) {
                if (s.findAny().isPresent()) {
                    return true;
                }
            }
        }
        try (Stream<Path> s = Files.list(model.resolve("versions"))) {
            return s.anyMatch(v -> !Files.exists(v.resolve("_COMMITTED")));
        }
    }
}
