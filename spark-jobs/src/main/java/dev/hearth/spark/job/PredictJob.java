package dev.hearth.spark.job;

import dev.hearth.config.Settings;
import dev.hearth.spark.scoring.BatchScorer;
import dev.hearth.spark.training.TrainJobConfig;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hearth predict}: distributed batch scoring of a dataset with a stored model. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Score a dataset with a stored model on Spark; writes the predicted label and per-class"
                + " probabilities, or the predicted value of a regression model in the target's units (Parquet or"
                + " CSV). Unlabelled input: --set data.label.column= (empty).")
public final class PredictJob implements Callable<Integer> {
    @Mixin
    JobOptions options = new JobOptions();

    @Option(
            names = "--model",
            required = true,
            paramLabel = "REF",
            description = "model reference: name, name/N or name@alias")
    String model;

    @Option(names = "--output", description = "shortcut for --set predict.output.path=...")
    String output;

    @Option(names = "--overwrite", description = "replace an existing output")
    boolean overwrite;

    @Override
    public Integer call() {
        List<String> extra = new ArrayList<>();
        if (output != null) {
            extra.add(TrainSettings.PREDICT_OUTPUT + "=" + output);
        }
        Settings s = options.settings(extra);
        String out = s.require(TrainSettings.PREDICT_OUTPUT);
        TrainSettings.PredictFormat format = s.getEnum(TrainSettings.PREDICT_FORMAT, TrainSettings.PredictFormat.class);
        SparkSession spark = SparkSessions.open("hearth predict " + model);
        try {
            EncryptionSettings.applyTo(s, spark.sparkContext().hadoopConfiguration());
            long rows = new BatchScorer(
                            spark,
                            HadoopModelStore.open(
                                    s.require(TrainSettings.STORE_ROOT),
                                    spark.sparkContext().hadoopConfiguration()),
                            s.getInt(TrainSettings.PREDICT_BATCH_ROWS, 1))
                    .score(model, TrainJobConfig.dataset(s), out, format, overwrite);
            System.out.println("scored " + rows + " rows with " + model + " into " + out + " (" + format.word() + ")");
            return 0;
        } finally {
            spark.stop();
        }
    }

    public static void main(String[] args) {
        HearthJobs.exit(HearthJobs.commandLine(new PredictJob()).execute(args));
    }
}
