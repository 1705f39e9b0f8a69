package dev.hearth.spark.job;

import dev.hearth.config.Settings;
import dev.hearth.spark.engine.TrainingEngines;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopCheckpointStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hearth train}: trains a network on Spark and publishes it to the model store. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a network on labelled data (CSV, LibSVM, Parquet) with DL4J parameter averaging on Spark"
                + " and publish it to the model store.",
        footer = "%nSettings (defaults < --config file < --set): see conf/train.properties.")
public final class TrainJob implements Callable<Integer> {
    @Mixin
    JobOptions options = new JobOptions();

    @Option(names = "--model", description = "shortcut for --set model.name=...")
    String model;

    @Option(names = "--resume", description = "continue the model's last interrupted run from its latest checkpoint")
    boolean resume;

    @Option(
            names = "--warm-start",
            paramLabel = "REF",
            description =
                    "initialise from a stored model (name, name/N, name@alias); shortcut for --set model.warm.start=...")
    String warmStart;

    @Override
    public Integer call() {
        List<String> extra = new ArrayList<>();
        if (model != null) {
            extra.add(TrainSettings.MODEL_NAME + "=" + model);
        }
        if (warmStart != null) {
            extra.add(TrainSettings.MODEL_WARM_START + "=" + warmStart);
        }
        Settings settings = options.settings(extra);
        SparkSession spark = SparkSessions.open("hearth train " + settings.get(TrainSettings.MODEL_NAME));
        try {
            String root = settings.require(TrainSettings.STORE_ROOT);
            var hadoop = spark.sparkContext().hadoopConfiguration();
            EncryptionSettings.applyTo(settings, hadoop);
            TrainingSummary summary = new TrainingPipeline(
                            spark,
                            HadoopModelStore.open(root, hadoop),
                            new HadoopCheckpointStore(root, hadoop),
                            TrainingEngines.of(settings))
                    .run(settings, resume);
            System.out.printf(
                    Locale.ROOT,
                    "published %s  test %s  (%d train / %d test examples)  %s%n",
                    summary.published().ref(),
                    metricsLine(summary.metrics()),
                    summary.trainExamples(),
                    summary.testExamples(),
                    summary.published().location());
            return 0;
        } finally {
            spark.stop();
        }
    }

    static String metricsLine(Map<String, Double> metrics) {
        StringBuilder b = new StringBuilder();
        metrics.forEach((k, v) -> b.append(b.length() == 0 ? "" : "  ")
                .append(k)
                .append(' ')
                .append(String.format(Locale.ROOT, "%.4f", v)));
        return b.toString();
    }

    public static void main(String[] args) {
        HearthJobs.exit(HearthJobs.commandLine(new TrainJob()).execute(args));
    }
}
