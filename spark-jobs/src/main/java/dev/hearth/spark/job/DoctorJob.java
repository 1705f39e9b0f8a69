package dev.hearth.spark.job;

import dev.hearth.spark.doctor.Check;
import dev.hearth.spark.doctor.SparkDoctor;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code hearth doctor}: pre-flight checks of the Spark configuration; exit 1 when any check fails. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check a Spark configuration before a long DL4J run: Kryo, --add-opens, locality wait, off-heap"
                + " headroom, BLAS threads, default FS. Prints OK/WARN/FAIL with the fix; exit 1 on FAIL.")
public final class DoctorJob implements Callable<Integer> {
    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.openAsConfigured("hearth doctor");
        try {
            List<Check> checks = new SparkDoctor(spark).run();
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
        System.exit(HearthJobs.commandLine(new DoctorJob()).execute(args));
    }
}
