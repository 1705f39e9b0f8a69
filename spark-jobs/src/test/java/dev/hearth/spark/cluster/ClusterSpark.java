package dev.hearth.spark.cluster;

import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.SparkConfFile;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Poll;
import dev.hearth.testing.hdfs.MiniHdfs;
import dev.hearth.testing.spark.StandaloneCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A driver {@link SparkSession} in the test JVM against a {@link StandaloneCluster}, configured as
 * {@code bin/hearth} submits jobs: the project's {@code conf/spark-defaults.conf}, the shaded jobs jar in
 * {@code spark.jars} (the executors' only source of DL4J, ND4J and Hearth classes) and a {@link MiniHdfs} as
 * default file system. Executors are small: 1 core and 1 GiB heap each.
 */
final class ClusterSpark {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSpark.class);

    private ClusterSpark() {}

    /**
     * Starts the session and waits until {@code executors} executors have registered with it.
     *
     * @param localDir the driver's scratch directory ({@code spark.local.dir})
     */
    static SparkSession start(String appName, StandaloneCluster cluster, MiniHdfs hdfs, int executors, Path localDir) {
        long t0 = System.nanoTime();
        SparkConf conf = SparkConfFile.apply(LocalSpark.sparkDefaults(), new SparkConf())
                .setMaster(cluster.masterUrl())
                .setAppName(appName)
                .set("spark.jars", HearthBuild.sparkJobsJar().toUri().toString())
                .set("spark.hadoop.fs.defaultFS", hdfs.uri())
                .set("spark.hadoop.dfs.replication", "1")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.local.dir", localDir.toString())
                .set("spark.executor.memory", "1g")
                .set("spark.executor.cores", "1")
                .set("spark.cores.max", String.valueOf(executors))
                .set("spark.sql.shuffle.partitions", String.valueOf(executors));
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            // The driver itself is listed too.
            Poll.until(
                    executors + " executors registered",
                    Duration.ofSeconds(90),
                    Duration.ofMillis(200),
                    () -> spark.sparkContext().statusTracker().getExecutorInfos().length >= executors + 1,
                    cluster::logs);
        } catch (RuntimeException | Error e) {
            spark.stop();
            throw e;
        }
        LOG.info(
                "Driver {} on {} with {} executors after {} ms",
                spark.sparkContext().applicationId(),
                cluster.masterUrl(),
                executors,
                (System.nanoTime() - t0) / 1_000_000);
        return spark;
    }
}
