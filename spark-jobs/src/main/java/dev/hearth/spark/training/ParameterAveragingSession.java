package dev.hearth.spark.training;

import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.serde.MinibatchFiles;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run of the {@link ParameterAveragingEngine}: fits each epoch through DL4J's
 * {@link SparkDl4jMultiLayer} under a {@link PlannedRoundsMaster} that follows the epoch's plan, either exporting
 * the epoch's minibatches to files first ({@code export}) or handing DL4J the epoch's RDD ({@code direct}), and
 * removes the run's export directory and stops the round-result reaper when closed.
 */
final class ParameterAveragingSession implements TrainingEngine.Session {
    /** The engine's logger: a session's lines are the engine's to operators and log configurations. */
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingEngine.class);

    private final JavaSparkContext sc;
    private final TrainingOptions options;
    private final PlannedRoundsMaster master;
    private final FittedExamples fitted;
    private final SparkDl4jMultiLayer spark;
    private final RoundResultReaper reaper;
    private final String approach;
    private final String exportDir;
    /** Seals exported minibatches when the model is encrypted; null with the direct approach or in clear. */
    private final MinibatchSealing sealing;

    private RoundBreakdown breakdown;

    ParameterAveragingSession(
            JavaSparkContext sc,
            TrainingOptions options,
            PlannedRoundsMaster master,
            FittedExamples fitted,
            SparkDl4jMultiLayer spark,
            RoundResultReaper reaper,
            String approach,
            String exportDir,
            MinibatchSealing sealing) {
        this.sc = sc;
        this.options = options;
        this.master = master;
        this.fitted = fitted;
        this.spark = spark;
        this.reaper = reaper;
        this.approach = approach;
        this.exportDir = exportDir;
        this.sealing = sealing;
    }

    @Override
    public EpochFit fitEpoch(EpochBatches epoch) {
        if (epoch.plan().batchSize() != options.batchSizePerWorker()) {
            // DL4J's workers would regroup the rows into minibatches of their own size.
            throw new IllegalArgumentException("epoch " + epoch.epoch() + " has minibatches of "
                    + epoch.plan().batchSize() + " rows but the workers fit minibatches of "
                    + options.batchSizePerWorker());
        }
        master.follow(epoch.plan());
        fitted.reset();
        double exportMs = exporting() ? fitExported(epoch) : fitDirect(epoch);
        if (options.stats()) {
            recordBreakdown(exportMs);
        }
        return new EpochFit(spark.getScore(), fitted.examples());
    }

    /** Exports the epoch's minibatches, fits the files, deletes them; returns the export time in ms. */
    private double fitExported(EpochBatches epoch) {
        long t0 = System.nanoTime();
        Path dir = new Path(exportDir, "epoch-" + epoch.epoch());
        String description = sc.getLocalProperty("spark.job.description");
        sc.setJobDescription((description == null ? "" : description + ": ") + "shuffle and export epoch "
                + epoch.epoch() + "'s minibatches");
        JavaRDD<String> exported;
        try {
            exported = MinibatchExport.export(sc, epoch, dir.toString(), sealing);
        } finally {
            sc.setJobDescription(description);
        }
        double exportMs = (System.nanoTime() - t0) / 1e6;
        LOG.info("Exported epoch {}'s minibatches to {} in {} ms", epoch.epoch(), dir, Math.round(exportMs));
        try {
            spark.fitPaths(
                    exported, sealing == null ? new MinibatchFiles.Loader() : new MinibatchSealing.Loader(sealing));
        } finally {
            release(exported, dir);
        }
        return exportMs;
    }

    /** Fits the epoch's RDD as it is; returns 0 (no export time). */
    private double fitDirect(EpochBatches epoch) {
        try {
            spark.fit(epoch.batches());
        } finally {
            // DL4J cached this epoch's minibatches; the next epoch has new ones.
            epoch.batches().unpersist(false);
        }
        return 0;
    }

    private void recordBreakdown(double exportMs) {
        breakdown = RoundBreakdown.of(master.getTrainingStats());
        if (breakdown != null && exportMs > 0) {
            breakdown = breakdown.withExportMs(exportMs);
        }
        // Start the next epoch's statistics afresh.
        master.setCollectTrainingStats(false);
        master.setCollectTrainingStats(true);
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

    private boolean exporting() {
        return approach.equals("export");
    }

    /** Drops an epoch's export (cached paths and files) once the epoch is trained. */
    private void release(JavaRDD<String> exported, Path dir) {
        exported.unpersist(false);
        try {
            dir.getFileSystem(sc.hadoopConfiguration()).delete(dir, true);
        } catch (IOException e) {
            LOG.warn("Could not delete exported minibatches {}: {}", dir, e.toString());
        }
    }

    @Override
    public void close() {
        reaper.close();
        if (!exporting()) {
            return;
        }
        // The run's own directory (under train.export.dir or a temp dir) is removed whole.
        Path dir = new Path(exportDir);
        try {
            dir.getFileSystem(sc.hadoopConfiguration()).delete(dir, true);
        } catch (IOException e) {
            LOG.warn("Could not delete export directory {}: {}", exportDir, e.toString());
        }
    }
}
