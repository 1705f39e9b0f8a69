package dev.hearth.spark.cluster;

import dev.hearth.testing.hdfs.MiniHdfs;
import dev.hearth.testing.spark.StandaloneCluster;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;

/**
 * What a cluster IT trains on: a {@link MiniHdfs}, a {@link StandaloneCluster} of 2 one-core Workers, a driver
 * {@link SparkSession} against both (see {@link ClusterSpark}) and a {@link TaskActivity} listener on it. HDFS
 * starts while the Workers register. {@link #close()} stops the session, the cluster and HDFS, in that order.
 */
final class ClusterEnvironment implements AutoCloseable {
    static final int WORKERS = 2;

    private final MiniHdfs hdfs;
    private final StandaloneCluster cluster;
    private final SparkSession spark;
    private final TaskActivity activity;

    private ClusterEnvironment(MiniHdfs hdfs, StandaloneCluster cluster, SparkSession spark, TaskActivity activity) {
        this.hdfs = hdfs;
        this.cluster = cluster;
        this.spark = spark;
        this.activity = activity;
    }

    /** Starts everything under {@code dir}; whatever started is stopped again if a later step fails. */
    static ClusterEnvironment start(Path dir, String appName) {
        CompletableFuture<MiniHdfs> hdfsStart =
                CompletableFuture.supplyAsync(() -> MiniHdfs.start(dir.resolve("hdfs")));
        StandaloneCluster cluster = null;
        MiniHdfs hdfs = null;
        try {
            cluster = StandaloneCluster.start(dir.resolve("cluster"), WORKERS, 1, "1536m");
            hdfs = hdfsStart.join();
            SparkSession spark = ClusterSpark.start(appName, cluster, hdfs, WORKERS, dir.resolve("driver-local"));
            TaskActivity activity = new TaskActivity();
            spark.sparkContext().addSparkListener(activity);
            return new ClusterEnvironment(hdfs, cluster, spark, activity);
        } catch (RuntimeException | Error e) {
            if (cluster != null) {
                cluster.close();
            }
            MiniHdfs started =
                    hdfs != null ? hdfs : hdfsStart.exceptionally(t -> null).join();
            if (started != null) {
                started.close();
            }
            throw e;
        }
    }

    MiniHdfs hdfs() {
        return hdfs;
    }

    StandaloneCluster cluster() {
        return cluster;
    }

    SparkSession spark() {
        return spark;
    }

    TaskActivity activity() {
        return activity;
    }

    @Override
    public void close() {
        try {
            spark.stop();
        } finally {
            try {
                cluster.close();
            } finally {
                hdfs.close();
            }
        }
    }
}
