package dev.hearth.spark.training;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TrainingEngine} on DL4J's {@link ParameterAveragingTrainingMaster}: every executor fits minibatches with
 * its ND4J backend and the driver averages parameters (and updater state) every {@code averagingFrequency}
 * minibatches.
 */
public final class ParameterAveragingEngine implements TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingEngine.class);

    @Override
    public Session open(JavaSparkContext sc, MultiLayerNetwork network, TrainingOptions options) {
        String approach = chooseApproach(sc, options.approach());
        String exportDir = exportDirectory(sc, options.exportDirectory());
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(
                        options.workers() > 0 ? options.workers() : sc.defaultParallelism(), options.batchSizePerWorker())
                .batchSizePerWorker(options.batchSizePerWorker())
                .averagingFrequency(options.averagingFrequency())
                .workerPrefetchNumBatches(options.prefetchBatches())
                .rddTrainingApproach(approach.equals("export") ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                .exportDirectory(exportDir)
                .repartionData(repartition(options.repartition()))
                .rngSeed(options.seed())
                .saveUpdater(true)
                .collectTrainingStats(options.stats())
                .build();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, network, master);
        return new Session() {
            private RoundBreakdown breakdown;

            @Override
            public double fitEpoch(JavaRDD<DataSet> train) {
                spark.fit(train);
                if (options.stats()) {
                    breakdown = RoundBreakdown.of(master.getTrainingStats());
                    // Start the next epoch's statistics afresh.
                    master.setCollectTrainingStats(false);
                    master.setCollectTrainingStats(true);
                }
                return spark.getScore();
            }

            @Override
            public RoundBreakdown lastEpochBreakdown() {
                return breakdown;
            }

            @Override
            public EvaluationReport evaluate(JavaRDD<DataSet> data, List<String> labels) {
                Evaluation e = spark.evaluate(data, labels);
                return EvaluationReport.of(e, labels);
            }

            @Override
            public EvaluationReport evaluateRegression(JavaRDD<DataSet> data, long examples) {
                RegressionEvaluation e = spark.evaluateRegression(data);
                return EvaluationReport.of(e, examples);
            }

            @Override
            public MultiLayerNetwork network() {
                return spark.getNetwork();
            }

            @Override
            public String approach() {
                return approach;
            }

            @Override
            public void close() {
                if (!master.deleteTempFiles(sc)) {
                    LOG.warn("Could not delete exported minibatches under {}", exportDir);
                }
                // DL4J deletes only <dir>/<master uid>/<rdd id>/; a directory Hearth chose is removed whole.
                if (options.exportDirectory() == null || options.exportDirectory().isBlank()) {
                    Path dir = new Path(exportDir);
                    try {
                        dir.getFileSystem(sc.hadoopConfiguration()).delete(dir, true);
                    } catch (java.io.IOException e) {
                        LOG.warn("Could not delete export directory {}: {}", exportDir, e.toString());
                    }
                }
            }
        };
    }

    private static Repartition repartition(String setting) {
        return switch (setting) {
            case "always" -> Repartition.Always;
            case "never" -> Repartition.Never;
            default -> Repartition.NumPartitionsWorkersDiffers;
        };
    }

    /**
     * Export writes minibatches to files that every executor must read, so it needs a shared default file system:
     * fine in local mode or with HDFS/S3 as default FS, not with {@code file:} on a cluster.
     */
    static String chooseApproach(JavaSparkContext sc, String requested) {
        String master = sc.master();
        String defaultFs = FileSystem.getDefaultUri(sc.hadoopConfiguration()).getScheme();
        boolean shared = master.startsWith("local") || !"file".equals(defaultFs);
        String choice = switch (requested) {
            case "export", "direct" -> requested;
            default -> shared ? "export" : "direct";
        };
        if (choice.equals("export") && !shared) {
            LOG.warn("train.approach=export on master {} with default FS {}: executors cannot share exported files;"
                    + " set fs.defaultFS to HDFS/S3 or use train.approach=direct", master, defaultFs);
        }
        LOG.info("Training approach {} (requested {}, master {}, default FS {})", choice, requested, master, defaultFs);
        return choice;
    }

    static String exportDirectory(JavaSparkContext sc, String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        URI defaultFs = FileSystem.getDefaultUri(sc.hadoopConfiguration());
        String base = "file".equals(defaultFs.getScheme())
                ? new Path(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")).toUri()).toString()
                : new Path(defaultFs.toString(), "/tmp").toString();
        return base + "/hearth-export/" + sc.sc().applicationId() + "-" + UUID.randomUUID();
    }
}
