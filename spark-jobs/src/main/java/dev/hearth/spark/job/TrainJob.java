package dev.hearth.spark.job;

import dev.hearth.config.Settings;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
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
        Settings settings = TrainSettings.loader().load(config, all);
        SparkSession spark = SparkSessions.open("hearth train " + settings.get(TrainSettings.MODEL_NAME));
        try {
            HadoopModelStore modelStore = HadoopModelStore.open(
                    settings.require(TrainSettings.STORE_ROOT), spark.sparkContext().hadoopConfiguration());
            TrainingSummary summary = new TrainingPipeline(spark, modelStore, new ParameterAveragingEngine())
                    .run(settings);
            System.out.printf(Locale.ROOT, "published %s  test accuracy %.4f  (%d train / %d test examples)  %s%n",
                    summary.published().ref(), summary.metrics().get("accuracy"), summary.trainExamples(),
                    summary.testExamples(), summary.published().location());
            return 0;
        } finally {
            spark.stop();
        }
    }

    public static void main(String[] args) {
        System.exit(HearthJobs.commandLine(new TrainJob()).execute(args));
    }
}
