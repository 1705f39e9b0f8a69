package dev.hearth.spark.training;

import dev.hearth.spark.data.EpochPlan;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TrainingEngine} on DL4J's {@link ParameterAveragingTrainingMaster}: every executor fits minibatches with
 * its ND4J backend and the driver averages parameters (and updater state) after each round of at most
 * {@code averagingFrequency} minibatches per worker. The rounds follow the epoch's {@link EpochPlan}
 * ({@link PlannedRoundsMaster}): every minibatch is fitted exactly once per epoch and each round is averaged by the
 * examples each worker fitted. With the export approach each epoch's (newly shuffled) minibatches are exported
 * before it and deleted after it.
 */
public final class ParameterAveragingEngine implements TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingEngine.class);

    /** DL4J's timing statistics ask an internet NTP server for the time unless told to use the local clock. */
    static final String TIME_SOURCE_PROPERTY = "org.deeplearning4j.spark.time.TimeSource";

    private final List<TrainingListener> listeners;

    /** The engine. */
    public ParameterAveragingEngine() {
        this(List.of());
    }

    /** An engine whose workers also call {@code listeners} (serialisable) on every minibatch, e.g. in tests. */
    ParameterAveragingEngine(List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public Session open(JavaSparkContext sc, MultiLayerNetwork network, TrainingOptions options) {
        if (options.stats() && System.getProperty(TIME_SOURCE_PROPERTY) == null) {
            // Driver side (and executors of local mode); cluster executors get it from conf/spark-defaults.conf.
            System.setProperty(TIME_SOURCE_PROPERTY, "org.deeplearning4j.spark.time.SystemClockTimeSource");
        }
        String approach = chooseApproach(sc, options.approach().word());
        String exportDir = exportDirectory(sc, options.exportDirectory());
        int workers = options.workers(sc);
        PlannedRoundsMaster master = new PlannedRoundsMaster(
                new ParameterAveragingTrainingMaster.Builder(workers, options.batchSizePerWorker())
                        .batchSizePerWorker(options.batchSizePerWorker())
                        .averagingFrequency(options.averagingFrequency())
                        .workerPrefetchNumBatches(options.prefetchBatches())
                        .rddTrainingApproach(
                                approach.equals("export") ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                        // The epoch's RDD is already laid out one partition per worker and round.
                        .repartionData(Repartition.Never)
                        .rngSeed(options.seed())
                        .saveUpdater(true)
                        .collectTrainingStats(options.stats()));
        FittedExamples fitted = new FittedExamples(sc);
        master.addHook(fitted);
        if (!listeners.isEmpty()) {
            master.setListeners(listeners);
        }
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, network, master);
        RoundResultReaper reaper = RoundResultReaper.start(sc);
        // User data must not lie on disk in clear: exports are sealed when the model is encrypted.
        MinibatchSealing sealing = approach.equals("export") ? MinibatchSealing.forSession(sc) : null;
        return new ParameterAveragingSession(sc, options, master, fitted, spark, reaper, approach, exportDir, sealing);
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
            LOG.warn(
                    "train.approach=export on master {} with default FS {}: executors cannot share exported files;"
                            + " set fs.defaultFS to HDFS/S3 or use train.approach=direct",
                    master,
                    defaultFs);
        }
        LOG.info("Training approach {} (requested {}, master {}, default FS {})", choice, requested, master, defaultFs);
        return choice;
    }

    /** This run's own export directory: under {@code train.export.dir}, else under a temp dir of the default FS. */
    static String exportDirectory(JavaSparkContext sc, String configured) {
        String run = sc.sc().applicationId() + "-" + UUID.randomUUID();
        if (configured != null && !configured.isBlank()) {
            return new Path(configured, "hearth-export-" + run).toString();
        }
        URI defaultFs = FileSystem.getDefaultUri(sc.hadoopConfiguration());
        String base = "file".equals(defaultFs.getScheme())
                ? new Path(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"))
                                .toUri())
                        .toString()
                : new Path(defaultFs.toString(), "/tmp").toString();
        return base + "/hearth-export/" + run;
    }
}
