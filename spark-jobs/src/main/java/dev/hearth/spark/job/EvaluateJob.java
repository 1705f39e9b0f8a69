package dev.hearth.spark.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.Settings;
import dev.hearth.spark.scoring.ModelEvaluator;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainJobConfig;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hearth evaluate}: metrics of a stored model on a labelled dataset, computed on Spark. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Evaluate a stored model (name, name/N, name@alias) on labelled data, distributed; prints a metrics table.")
public final class EvaluateJob implements Callable<Integer> {
    @Mixin
    JobOptions options = new JobOptions();

    @Option(
            names = "--model",
            required = true,
            paramLabel = "REF",
            description = "model reference: name, name/N or name@alias")
    String model;

    @Option(names = "--json", description = "print the metrics as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Settings s = options.settings(List.of());
        SparkSession spark = SparkSessions.open("hearth evaluate " + model);
        try {
            EncryptionSettings.applyTo(s, spark.sparkContext().hadoopConfiguration());
            EvaluationReport r = new ModelEvaluator(
                            spark,
                            HadoopModelStore.open(
                                    s.require(TrainSettings.STORE_ROOT),
                                    spark.sparkContext().hadoopConfiguration()),
                            new ParameterAveragingEngine())
                    .evaluate(model, TrainJobConfig.dataset(s), TrainJobConfig.batchSize(s));
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("model", model);
                out.put("examples", r.examples());
                out.put("metrics", r.metrics());
                out.put("labels", r.labels());
                out.put("confusionMatrix", r.confusion());
                System.out.println(
                        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            } else {
                System.out.printf(
                        Locale.ROOT, "%s on %s: %d examples%n", model, s.get(TrainSettings.DATA_PATH), r.examples());
                System.out.printf(Locale.ROOT, "%-28s %10s%n", "METRIC", "VALUE");
                r.metrics().forEach((k, v) -> System.out.printf(Locale.ROOT, "%-28s %10.4f%n", k, v));
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    public static void main(String[] args) {
        HearthJobs.exit(HearthJobs.commandLine(new EvaluateJob()).execute(args));
    }
}
