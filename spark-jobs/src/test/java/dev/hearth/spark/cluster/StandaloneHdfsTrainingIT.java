package dev.hearth.spark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.DigitsJob;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.hdfs.MiniHdfs;
import dev.hearth.testing.spark.StandaloneCluster;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train job on a real Spark standalone cluster (Master + 2 Workers, separate JVMs) with HDFS as the default
 * file system: data read from HDFS, minibatches exported to HDFS, the model published to a store on HDFS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneHdfsTrainingIT {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneHdfsTrainingIT.class);
    private static final String EXPORT_ROOT = "/tmp/hearth-export";

    private ClusterEnvironment env;
    private MiniHdfs hdfs;
    private StandaloneCluster cluster;
    private SparkSession spark;
    private TaskActivity activity;

    @RegisterExtension
    final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> cluster == null ? "(no cluster)" : cluster.logs());

    @BeforeAll
    void startCluster(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) {
        env = ClusterEnvironment.start(dir, "standalone-hdfs-training-it");
        hdfs = env.hdfs();
        cluster = env.cluster();
        spark = env.spark();
        activity = env.activity();
    }

    @AfterAll
    void stopCluster() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void trainsFromHdfsOnTheClusterAndPublishesToHdfs() throws Exception {
        String data = hdfs.upload(resource("digits-8x8.csv"), "/data/digits-8x8.csv");
        String storeRoot = hdfs.uri() + "/models";
        HadoopModelStore store =
                HadoopModelStore.open(storeRoot, spark.sparkContext().hadoopConfiguration());

        TrainingSummary summary = new TrainingPipeline(spark, store, new ParameterAveragingEngine())
                .run(DigitsJob.settings(
                        data,
                        64,
                        List.of(
                                "train.epochs=6",
                                // DL4J's engine: the Export approach on HDFS as the shared default FS
                                "train.engine=dl4j",
                                "store.root=" + storeRoot)));

        LOG.info(
                "Cluster training: accuracy {}, epochs {} s, executors with tasks {}, failed attempts {}",
                summary.metrics().get("accuracy"),
                summary.epochs().stream()
                        .map(e -> String.format("%.1f", e.seconds()))
                        .toList(),
                activity.executorsWithTasks(),
                activity.failedAttempts());
        assertThat(summary.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.85);
        assertThat(summary.epochs()).hasSize(6);
        assertThat(activity.executorsWithTasks()).as("executors that ran tasks").hasSize(2);

        List<ModelVersion> versions = store.listVersions("digits");
        assertThat(versions).hasSize(1);
        ModelVersion v = versions.get(0);
        assertThat(v.version()).isEqualTo(summary.published().version());
        assertThat(v.location()).startsWith(storeRoot);
        assertThat(v.metadata().provenance())
                .containsEntry("trainingApproach", "export")
                .containsEntry("sparkMaster", cluster.masterUrl())
                .containsEntry("dataset", data);
        assertThat((String) v.metadata().provenance().get("sparkMaster")).startsWith("spark://");

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(store.readFile(v, ModelFiles.MODEL_FILE)));
        assertThat(restored.output(Nd4j.zeros(1, 64)).columns()).isEqualTo(10);

        assertThat(hdfs.pathsUnder(EXPORT_ROOT))
                .as("export directories or minibatches left on HDFS")
                .isEmpty();
    }

    private static Path resource(String name) {
        return LocalSpark.testData(name);
    }
}
