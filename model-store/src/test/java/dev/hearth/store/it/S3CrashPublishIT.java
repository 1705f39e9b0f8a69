package dev.hearth.store.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.GcReport;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.RetentionPolicy;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.S3TestEndpoint;
import dev.hearth.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 publish trials on {@code s3a://} (marker commit): a child JVM publishing 4 MB models to S3Proxy is
 * killed with SIGKILL at seeded-random moments, 20 times; after each kill the store lists only complete, verifiable
 * versions and the next publish succeeds; gc then removes the uncommitted leftovers.
 */
class S3CrashPublishIT {
    private static final int TRIALS = 20;
    private static final long MODEL_BYTES = 4L << 20;

    @TempDir
    Path dir;

    @Test
    void killedPublishersLeaveOnlyCompleteVersionsOnS3() throws Exception {
        try (S3TestEndpoint s3 = S3TestEndpoint.start()) {
            Path conf = dir.resolve("hadoop-conf");
            s3.writeCoreSite(conf, Map.of());
            Path logs = Files.createDirectories(dir.resolve("logs"));
            String root = s3.uri("crash");
            HadoopModelStore store = HadoopModelStore.open(root, s3.hadoopConf());
            FileSystem fs = new org.apache.hadoop.fs.Path(root).getFileSystem(s3.hadoopConf());
            org.apache.hadoop.fs.Path versionsDir = new org.apache.hadoop.fs.Path(root + "/big/versions");
            Random random = new Random(20240607L);
            int completedByChildren = 0;
            int leftoversSeen = 0;
            int verified = 0;
            int leftovers = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                ChildProcess child =
                        PublishProcess.start(logs, "trial" + trial, root, "big", 1000, MODEL_BYTES, trial, conf);
                completedByChildren += CrashTrials.killAtRandomMoment(child, random);

                for (ModelVersion v : store.listVersions("big")) {
                    store.verify(v);
                    verified++;
                }
                int now = uncommitted(fs, versionsDir);
                if (now > leftovers) {
                    leftoversSeen++;
                }
                leftovers = now;
                CrashTrials.publishAfterKill(store, trial);
            }
            int before = uncommitted(fs, versionsDir);
            assertThat(before).isEqualTo(leftovers);
            GcReport gc = store.gc(new RetentionPolicy(1, Duration.ZERO, Duration.ZERO), true);
            assertThat(uncommitted(fs, versionsDir)).isZero();
            List<ModelVersion> left = store.listVersions("big");
            assertThat(left).hasSize(1);
            store.verify(left.get(0));
            String summary = String.format(
                    java.util.Locale.ROOT,
                    "S3 crash trials: %d SIGKILLs (seed 20240607), %d versions committed by the killed children, "
                            + "%d versions verified after kills, %d kills left uncommitted leftovers (never listed), "
                            + "%d follow-up publishes succeeded, gc removed %d leftovers (%d candidates)%n",
                    TRIALS,
                    completedByChildren,
                    verified,
                    leftoversSeen,
                    TRIALS,
                    before,
                    gc.candidates().size());
            System.out.print(summary);
            Files.writeString(Path.of("target", "s3-crash-trials.txt"), summary);
            for (Path f : Files.list(logs).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(s3.secret());
            }
        }
    }

    private static int uncommitted(FileSystem fs, org.apache.hadoop.fs.Path versions) throws Exception {
        if (!fs.exists(versions)) {
            return 0;
        }
        int n = 0;
        for (FileStatus st : fs.listStatus(versions)) {
            if (st.isDirectory() && !fs.exists(new org.apache.hadoop.fs.Path(st.getPath(), "_COMMITTED"))) {
                n++;
            }
        }
        return n;
    }
}
