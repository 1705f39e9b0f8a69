package dev.hearth.spark.job;

import dev.hearth.config.Settings;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.hadoop.HadoopCheckpointStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth train}: trains a network on Spark and publishes it to the model store. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a classifier on labelled CSV with DL4J parameter averaging on Spark and publish it.",
        footer = "%nSettings (defaults < --config file < --set): see conf/train.properties.")
public final class TrainJob implements Callable<Integer> {
    @Option(names = "--config", description = "settings file (properties), e.g. conf/quickstart.properties")
    Path config;

    @Option(names = "--set", description = "override one setting, key=value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--data", description = "shortcut for --set data.path=...")
    String data;

    @Option(names = "--model", description = "shortcut for --set model.name=...")
    String model;

    @Option(names = "--store", description = "shortcut for --set store.root=...")
    String store;

    @Option(names = "--resume", description = "continue the model's last interrupted run from its latest checkpoint")
    boolean resume;

    @Option(names = "--warm-start", paramLabel = "REF",
            description = "initialise from a stored model (name, name/N, name@alias); shortcut for --set model.warm.start=...")
    String warmStart;

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(overrides);
        if (data != null) {
            all.add(TrainSettings.DATA_PATH + "=" + data);
        }
        if (model != null) {
            all.add(TrainSettings.MODEL_NAME + "=" + model);
        }
        if (store != null) {
            all.add(TrainSettings.STORE_ROOT + "=" + store);
        }
        if (warmStart != null) {
            all.add(TrainSettings.MODEL_WARM_START + "=" + warmStart);
        }
        Settings settings = TrainSettings.loader().load(config, all);
        SparkSession spark = SparkSessions.open("hearth train " + settings.get(TrainSettings.MODEL_NAME));
        try {
            String root = settings.require(TrainSettings.STORE_ROOT);
            var hadoop = spark.sparkContext().hadoopConfiguration();
            TrainingSummary summary = new TrainingPipeline(spark, HadoopModelStore.open(root, hadoop),
                    new HadoopCheckpointStore(root, hadoop), new ParameterAveragingEngine()).run(settings, resume);
            System.out.printf(Locale.ROOT, "published %s  test %s  (%d train / %d test examples)  %s%n",
                    summary.published().ref(), metricsLine(summary.metrics()), summary.trainExamples(),
                    summary.testExamples(), summary.published().location());
            return 0;
        } finally {
            spark.stop();
        }
    }

    static String metricsLine(java.util.Map<String, Double> metrics) {
        StringBuilder b = new StringBuilder();
        metrics.forEach((k, v) -> b.append(b.length() == 0 ? "" : "  ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.4f", v)));
        return b.toString();
    }

    public static void main(String[] args) {
        System.exit(HearthJobs.commandLine(new TrainJob()).execute(args));
    }
}
