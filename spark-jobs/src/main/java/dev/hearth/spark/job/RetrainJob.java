package dev.hearth.spark.job;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsOptions;
import dev.hearth.spark.engine.TrainingEngines;
import dev.hearth.spark.retrain.RetrainOutcome;
import dev.hearth.spark.retrain.RetrainReport;
import dev.hearth.spark.retrain.RetrainRunner;
import dev.hearth.spark.retrain.RetrainSettings;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hearth retrain}: one scheduled-retrain step for one model; the exit code says what happened. */
@Command(
        name = "retrain",
        mixinStandardHelpOptions = true,
        description = "Retrain a model on new dt=YYYY-MM-DD partitions, gate the challenger against the champion on a"
                + " fixed evaluation set, publish it tagged with the decision and promote it by compare-and-swap.",
        footer = {
            "%nExit codes: 0 promoted, 10 rejected by the gate, 20 no new data, 30 alias conflict or lock held,"
                    + " 1 failure (2: bad settings).",
            "Settings (defaults < --config < --set): conf/retrain.properties and conf/train.properties."
        })
public final class RetrainJob implements Callable<Integer> {
    @Mixin
    SettingsOptions options = new SettingsOptions();

    @Option(names = "--model", description = "shortcut for --set model.name=...")
    String model;

    @Option(names = "--data-root", description = "shortcut for --set retrain.data.root=...")
    String dataRoot;

    @Option(names = "--report", description = "write the JSON report here")
    Path report;

    @Option(names = "--dry-run", description = "take the lock, compute the window, train nothing (exit 0, or 20/30)")
    boolean dryRun;

    @Option(
            names = "--promote-shadowed",
            description =
                    "no training: promote the challenger waiting on "
                            + "retrain.gate.shadow.alias once the shadow rule holds on the serving replicas' summaries (exit 0, else 10)")
    boolean promoteShadowed;

    /** The summary line of the finished run (the decision), for YARN cluster mode's diagnostics. */
    private String decision;

    @Override
    public Integer call() throws Exception {
        List<String> shortcuts = new ArrayList<>();
        if (model != null) {
            shortcuts.add(TrainSettings.MODEL_NAME + "=" + model);
        }
        if (dataRoot != null) {
            shortcuts.add(RetrainSettings.DATA_ROOT + "=" + dataRoot);
        }
        Settings settings = options.load(RetrainSettings.loader(), shortcuts);
        if (promoteShadowed) {
            String root = settings.require(TrainSettings.STORE_ROOT);
            org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
            return finish(
                    new dev.hearth.spark.retrain.ShadowPromotion(
                                    HadoopModelStore.open(root, conf),
                                    new dev.hearth.store.hadoop.HadoopShadowSummaries(root, conf))
                            .run(dev.hearth.spark.retrain.RetrainConfig.of(settings)),
                    report);
        }
        SparkSession spark = SparkSessions.open("hearth retrain " + settings.get(TrainSettings.MODEL_NAME));
        try {
            EncryptionSettings.applyTo(settings, spark.sparkContext().hadoopConfiguration());
            RetrainReport r = new RetrainRunner(
                            spark,
                            HadoopModelStore.open(
                                    settings.require(TrainSettings.STORE_ROOT),
                                    spark.sparkContext().hadoopConfiguration()),
                            TrainingEngines.of(settings))
                    .run(settings, dryRun);
            return finish(r, report);
        } finally {
            spark.stop();
        }
    }

    private int finish(RetrainReport r, Path reportPath) throws java.io.IOException {
        decision = r.summaryLine();
        return write(r, reportPath);
    }

    static int write(RetrainReport r, Path reportPath) throws java.io.IOException {
        if (reportPath != null) {
            Files.writeString(reportPath, r.toJson(), StandardCharsets.UTF_8);
        }
        (r.outcome() == RetrainOutcome.FAILED ? System.err : System.out).println(r.summaryLine());
        return r.exitCode();
    }

    public static void main(String[] args) {
        RetrainJob job = new RetrainJob();
        int code = HearthJobs.commandLine(job).execute(args);
        HearthJobs.exit(code, job.decision);
    }
}
