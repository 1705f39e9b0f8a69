package dev.hearth.spark;

import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.HearthBuild;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** A real local[2] SparkSession configured from the project's conf/spark-defaults.conf, bound to loopback. */
public final class LocalSpark {
    private LocalSpark() {}

    /** The project's root directory (surefire passes it as {@code hearth.root}). */
    public static Path projectRoot() {
        return HearthBuild.root();
    }

    /** The project's Spark defaults file. */
    public static Path sparkDefaults() {
        return projectRoot().resolve("conf/spark-defaults.conf");
    }

    /** A data file of the tests' resources ({@code src/test/resources/dev/hearth/spark/data/name}). */
    public static Path testData(String name) {
        try {
            return Path.of(LocalSpark.class
                    .getResource("/dev/hearth/spark/data/" + name)
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A model store in {@code dir/store} on {@code spark}'s Hadoop configuration. */
    public static HadoopModelStore store(SparkSession spark, Path dir) {
        return HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
    }

    /** Starts a session on local[2]. */
    public static SparkSession start(String appName) {
        return start(appName, "local[2]");
    }

    /** Starts a session on a local master such as {@code local[1]}. */
    public static SparkSession start(String appName, String master) {
        SparkConf conf = SparkConfFile.apply(sparkDefaults(), new SparkConf())
                .setMaster(master)
                .setAppName(appName)
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.sql.shuffle.partitions", "2");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
