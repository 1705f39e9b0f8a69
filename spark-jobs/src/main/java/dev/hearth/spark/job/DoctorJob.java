package dev.hearth.spark.job;

import dev.hearth.spark.doctor.Check;
import dev.hearth.spark.doctor.SparkDoctor;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth doctor}: pre-flight checks of the Spark configuration; exit 1 when any check fails. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check a Spark configuration before a long DL4J run: Kryo, --add-opens, locality wait, off-heap"
                + " headroom, BLAS threads, default FS; with --path/--store also inside every executor (YARN container):"
                + " off-heap vs overhead, BLAS threads vs vcores, S3A/HDFS reachability. Prints OK/WARN/FAIL with the"
                + " fix; exit 1 on FAIL.")
public final class DoctorJob implements Callable<Integer> {
    @Option(names = "--path", description = "a path the jobs need (s3a://, hdfs://), checked inside every executor;"
            + " repeatable")
    List<String> paths = new java.util.ArrayList<>();

    @Option(names = "--store", description = "model store root: checked inside every executor, and how it creates "
            + "versions exclusively (conditional writes on S3)")
    String store;

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.openAsConfigured("hearth doctor");
        try {
            List<Check> checks = new SparkDoctor(spark, paths, store).run();
            for (Check c : checks) {
                System.out.printf(Locale.ROOT, "%-5s %-42s %s%n", c.status(), c.name(), c.detail());
                if (!c.fix().isEmpty()) {
                    System.out.printf(Locale.ROOT, "      fix: %s%n", c.fix());
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
