package dev.hearth.spark.training;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TrainingEngine} on DL4J's {@link ParameterAveragingTrainingMaster}: every executor fits minibatches with
 * its ND4J backend and the driver averages parameters every {@code averagingFrequency} minibatches.
 */
public final class ParameterAveragingEngine implements TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingEngine.class);

    @Override
    public Trained fit(JavaSparkContext sc, MultiLayerConfiguration conf, JavaRDD<DataSet> train, long examples,
            TrainingOptions options) {
        String approach = chooseApproach(sc, options.approach());
        String exportDir = exportDirectory(sc, options.exportDirectory());
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(
                        options.batchSizePerWorker())
                .batchSizePerWorker(options.batchSizePerWorker())
                .averagingFrequency(options.averagingFrequency())
                .workerPrefetchNumBatches(options.prefetchBatches())
                .rddTrainingApproach(approach.equals("export") ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                .exportDirectory(exportDir)
                .saveUpdater(true)
                .build();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, conf, master);
        List<EpochResult> epochs = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                sc.setJobDescription("hearth train: epoch " + epoch + "/" + options.epochs());
                long t0 = System.nanoTime();
                spark.fit(train);
                double seconds = (System.nanoTime() - t0) / 1e9;
                EpochResult r = new EpochResult(epoch, spark.getScore(), examples / seconds, seconds);
                epochs.add(r);
                double elapsed = (System.nanoTime() - start) / 1e9;
                LOG.info(String.format(Locale.ROOT,
                        "epoch %d/%d  loss %.4f  %.0f examples/s  %.1f s  elapsed %.1f s  ETA %.1f s",
                        epoch, options.epochs(), r.score(), r.examplesPerSecond(), seconds, elapsed,
                        elapsed / epoch * (options.epochs() - epoch)));
            }
        } finally {
            sc.setJobDescription(null);
            if (!master.deleteTempFiles(sc)) {
                LOG.warn("Could not delete exported minibatches under {}", exportDir);
            }
        }
        return new Trained(spark.getNetwork(), epochs, approach);
    }

    @Override
    public Evaluation evaluate(JavaSparkContext sc, MultiLayerNetwork network, JavaRDD<DataSet> data,
            List<String> labels) {
        sc.setJobDescription("hearth train: evaluate on the test split");
        try {
            ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(1).build();
            return new SparkDl4jMultiLayer(sc, network, master).evaluate(data, labels);
        } finally {
            sc.setJobDescription(null);
        }
    }

    /**
     * Export writes minibatches to files that every executor must read, so it needs a shared default file
     * system: fine in local mode or with HDFS/S3 as default FS, not with {@code file:} on a cluster.
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

    private static String exportDirectory(JavaSparkContext sc, String configured) {
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
