package dev.hearth.spark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.spark.retrain.RetrainRunner;
import dev.hearth.store.StoreLock;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retrain CLI's exit codes, summary line and JSON report for the outcomes that need no training. */
class RetrainJobTest {
    @TempDir
    Path dir;

    private PrintStream stdout;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        System.setProperty("spark.master", "local[1]");
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.ui.enabled", "false");
        stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        for (String k :
                new String[] {"spark.master", "spark.driver.host", "spark.driver.bindAddress", "spark.ui.enabled"}) {
            System.clearProperty(k);
        }
    }

    /** The retrain options of model digits over this test's data, store and evaluation set. */
    private String[] options() {
        return new String[] {
            "--model",
            "digits",
            "--data-root",
            dir.resolve("data").toString(),
            "--store",
            dir.resolve("store").toString(),
            "--set",
            "retrain.eval.path=" + dir.resolve("eval.csv")
        };
    }

    private int run(String... extra) {
        String[] base = options();
        String[] report = {"--report", dir.resolve("report.json").toString()};
        String[] args = new String[base.length + report.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(report, 0, args, base.length, report.length);
        System.arraycopy(extra, 0, args, base.length + report.length, extra.length);
        return HearthJobs.commandLine(new HearthJobs()).execute(prepend("retrain", args));
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void noNewDataExits20AndLockHeldExits30WithReportAndOneLine() throws Exception {
        Files.createDirectories(dir.resolve("data/dt=not-a-date"));
        assertThat(run()).isEqualTo(20);
        assertThat(Files.readString(dir.resolve("report.json")))
                .contains("\"outcome\" : \"NO_NEW_DATA\"")
                .contains("\"exitCode\" : 20");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("retrain digits: no-new-data (exit 20)");

        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        StoreLock held = store.acquireLock("digits", RetrainRunner.LOCK_PURPOSE, "someone else", Duration.ofHours(1));
        assertThat(run()).isEqualTo(30);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("retrain digits: locked (exit 30)")
                .contains("someone else");
        store.releaseLock(held);
    }

    @Test
    void inAYarnApplicationMasterTheDecisionIsThrownForTheDiagnosticsInsteadOfExiting() throws Exception {
        Files.createDirectories(dir.resolve("data/dt=not-a-date"));
        String[] args = options();
        System.setProperty("spark.yarn.app.id", "application_1_0001"); // what Spark's AM sets in cluster mode
        try {
            assertThatThrownBy(() -> RetrainJob.main(args))
                    .isInstanceOfSatisfying(
                            JobExitException.class,
                            e -> assertThat(e.exitCode()).isEqualTo(20))
                    .hasMessageStartingWith("exit 20: retrain digits: no-new-data (exit 20)");
            assertThatThrownBy(() -> HearthJobs.exit(2))
                    .isInstanceOf(JobExitException.class)
                    .hasMessage("exit 2: the job failed (its error is in the driver's log)");
            HearthJobs.exit(0); // success returns: the AM reports SUCCEEDED itself
        } finally {
            System.clearProperty("spark.yarn.app.id");
        }
    }
}
