package dev.hearth.spark.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.Settings;
import dev.hearth.spark.doctor.AdviceSettings;
import dev.hearth.spark.doctor.Check;
import dev.hearth.spark.doctor.SparkDoctor;
import dev.hearth.spark.doctor.TrainingAdvice;
import dev.hearth.spark.doctor.TrainingAdvisor;
import dev.hearth.spark.training.TrainSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hearth doctor}: pre-flight checks of the Spark configuration; exit 1 when any check fails. With
 * {@code --advise} it also measures averaging rounds of {@code train.engine=hearth} on the cluster and prints the
 * expected speed-up per executor count and the averaging frequency and batch that keep overhead under 10%.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description =
                "Check a Spark configuration before a long DL4J run: Kryo, --add-opens, locality wait, off-heap"
                        + " headroom, BLAS threads, default FS; with --path/--store also inside every executor (YARN container):"
                        + " off-heap vs overhead, BLAS threads vs vcores, S3A/HDFS reachability. Prints OK/WARN/FAIL with the"
                        + " fix; exit 1 on FAIL. --advise: measure train.engine=hearth rounds here and advise executors, K and batch.",
        footer = "%nTraining settings for --advise (defaults < --config file < --set): see conf/train.properties.")
public final class DoctorJob implements Callable<Integer> {
    @Option(
            names = "--path",
            description = "a path the jobs need (s3a://, hdfs://), checked inside every executor;" + " repeatable")
    List<String> paths = new java.util.ArrayList<>();

    @Option(
            names = "--store",
            description = "model store root: checked inside every executor, and how it creates "
                    + "versions exclusively (conditional writes on S3)")
    String store;

    @Option(
            names = "--advise",
            description = "also measure a few train.engine=hearth averaging rounds of the job's network"
                    + " (--config/--set, --network) on synthetic data here and print the expected speed-up for 1, 2, 4, ..."
                    + " executors and the averaging frequency and batch that keep the round overhead under 10%%")
    boolean advise;

    @Option(names = "--json", description = "print the checks (and the advice) as one JSON object")
    boolean json;

    @Option(
            names = "--config",
            description = "--advise: training settings file (properties); keys: conf/train.properties")
    Path config;

    @Option(names = "--set", description = "--advise: override one training setting, key=value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--network", description = "--advise: network spec file; shortcut for --set network.config=...")
    String network;

    @Option(
            names = "--features",
            description = "--advise: inputs per synthetic example (default: the network's input"
                    + " shape, else data.feature.count, else " + AdviceSettings.DEFAULT_FEATURES + ")")
    Integer features;

    @Option(
            names = "--classes",
            defaultValue = "10",
            description = "--advise: classes of a classification head (default: ${DEFAULT-VALUE})")
    int classes;

    @Option(
            names = "--advise-rounds",
            defaultValue = "3",
            description = "--advise: measured rounds per worker count, 1-100" + " (default: ${DEFAULT-VALUE})")
    int adviseRounds;

    @Override
    public Integer call() throws JsonProcessingException {
        Settings settings = null;
        if (advise) {
            List<String> all = new ArrayList<>(overrides);
            if (network != null) {
                all.add(TrainSettings.NETWORK_CONFIG + "=" + network);
            }
            settings = TrainSettings.loader().load(config, all);
            // Refuses bad input before a Spark session starts.
            AdviceSettings.request(
                    settings, new org.apache.hadoop.conf.Configuration(), features, classes, adviseRounds, 0);
        }
        SparkSession spark = SparkSessions.openAsConfigured("hearth doctor");
        try {
            List<Check> checks = new SparkDoctor(spark, paths, store).run();
            TrainingAdvice advice = null;
            if (advise) {
                TrainingAdvisor.Request request = AdviceSettings.request(
                        settings,
                        spark.sparkContext().hadoopConfiguration(),
                        features,
                        classes,
                        adviseRounds,
                        AdviceSettings.workers(settings, spark.sparkContext().defaultParallelism()));
                advice = new TrainingAdvice(new TrainingAdvisor(spark).measure(request));
            }
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("checks", checks);
                if (advice != null) {
                    out.put("advice", advice.json());
                }
                System.out.println(
                        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            } else {
                for (Check c : checks) {
                    System.out.printf(Locale.ROOT, "%-5s %-42s %s%n", c.status(), c.name(), c.detail());
                    if (!c.fix().isEmpty()) {
                        System.out.printf(Locale.ROOT, "      fix: %s%n", c.fix());
                    }
                }
                if (advice != null) {
                    System.out.print(advice.text());
                }
            }
            return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL) ? 1 : 0;
        } finally {
            spark.stop();
        }
    }

    public static void main(String[] args) {
        HearthJobs.exit(HearthJobs.commandLine(new DoctorJob()).execute(args));
    }
}
