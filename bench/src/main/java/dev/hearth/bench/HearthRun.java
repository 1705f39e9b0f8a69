package dev.hearth.bench;

import dev.hearth.spark.SparkConfFile;
import dev.hearth.spark.engine.TrainingEngines;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs Hearth's {@code train} pipeline exactly as the job does, on a fresh {@code local[2]} Spark session (two
 * workers with one BLAS thread each) and a temporary store, with the benchmark's settings on top of the defaults.
 */
final class HearthRun {
    private final Path root;

    HearthRun(Path root) {
        this.root = root;
    }

    /** A fresh {@code local[2]} session with the project's Spark defaults, UI off, driver on loopback. */
    static SparkSession localSession(Path root, String appName) {
        return SparkSession.builder()
                .config(SparkConfFile.apply(root.resolve("conf/spark-defaults.conf"), new SparkConf())
                        .setMaster("local[2]")
                        .setAppName(appName)
                        .set("spark.ui.enabled", "false")
                        .set("spark.driver.host", "127.0.0.1"))
                .getOrCreate();
    }

    /** Trains with {@code conf/train.properties} defaults overridden by {@code settings}; stops Spark afterwards. */
    TrainingSummary train(List<String> settings) throws Exception {
        Nd4j.factory().blas().setMaxThreads(1);
        SparkSession spark = localSession(root, "hearth-bench");
        Path store = Files.createTempDirectory("hearth-bench-store");
        try {
            List<String> all = new ArrayList<>(
                    List.of("model.name=bench", "train.checkpoint=false", "train.stats=true", "store.root=" + store));
            all.addAll(settings);
            var resolved = TrainSettings.loader().load(null, all);
            // As TrainJob does: the store (and the training exports) see the encryption settings.
            EncryptionSettings.applyTo(resolved, spark.sparkContext().hadoopConfiguration());
            return new TrainingPipeline(
                            spark,
                            HadoopModelStore.open(
                                    store.toString(), spark.sparkContext().hadoopConfiguration()),
                            TrainingEngines.of(resolved))
                    .run(resolved);
        } finally {
            spark.stop();
            Files.walk(store)
                    .sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
