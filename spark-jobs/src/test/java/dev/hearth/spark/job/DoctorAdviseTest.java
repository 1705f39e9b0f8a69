package dev.hearth.spark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.doctor.AdviceSettings;
import dev.hearth.spark.doctor.RoundCostModel;
import dev.hearth.spark.doctor.TrainingAdvice;
import dev.hearth.spark.doctor.TrainingAdvisor;
import dev.hearth.spark.training.TrainSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** {@code hearth doctor --advise}: the round cost model, a real measurement on local[2], the job's output, bad input. */
class DoctorAdviseTest {

    @Test
    void theAdvisedAveragingFrequencyAndBatchAreTheSmallestUnderTenPercent() {
        RoundCostModel m = RoundCostModel.fit(64, 4.0, 1, 12.0, 2, 16.0);
        assertThat(m.fixedMs()).isEqualTo(8.0);
        assertThat(m.perWorkerMs()).isEqualTo(4.0);
        for (int n : List.of(1, 2, 8, 64)) {
            int k = m.averagingFrequencyFor(n, 64, 0.10);
            assertThat(m.overheadShare(n, k, 64)).isLessThanOrEqualTo(0.10);
            if (k > 1) {
                assertThat(m.overheadShare(n, k - 1, 64)).isGreaterThan(0.10);
            }
            int b = m.batchFor(n, 5, 0.10);
            assertThat(m.overheadShare(n, 5, b)).isLessThanOrEqualTo(0.10);
            assertThat(m.overheadShare(n, 5, b - 1)).isGreaterThan(0.10);
        }
        // compute / N + overhead: one worker with overhead is slower than one core without Spark.
        assertThat(m.speedUp(1, 10, 64)).isEqualTo(40.0 / (40 + 12));
        // Noise that makes more workers look cheaper is not extrapolated as a saving.
        assertThat(RoundCostModel.fit(64, 4.0, 1, 12.0, 2, 10.0).perWorkerMs()).isZero();
    }

    @Test
    void measuresRoundsOnLocalSparkAndAdvisesConsistently() {
        SparkSession spark = LocalSpark.start("doctor-advise");
        try {
            var settings =
                    TrainSettings.loader().load(null, List.of("network.hidden=64", "train.averaging.frequency=2"));
            TrainingAdvisor.Request request = AdviceSettings.request(
                    settings,
                    new Configuration(),
                    100,
                    10,
                    2,
                    AdviceSettings.workers(settings, spark.sparkContext().defaultParallelism()));
            assertThat(request.workers()).isEqualTo(2);
            TrainingAdvisor.Measurement measured = new TrainingAdvisor(spark).measure(request);
            assertThat(measured.workerStep()).isEqualTo("fused dense step");
            assertThat(measured.low().computeMs()).isPositive();
            assertThat(measured.high().roundMs())
                    .isGreaterThanOrEqualTo(measured.high().computeMs());
            TrainingAdvice advice = new TrainingAdvice(measured);
            RoundCostModel model = advice.model();
            assertThat(advice.rows()).extracting(TrainingAdvice.Row::workers).startsWith(1, 2, 4, 8, 16);
            for (TrainingAdvice.Row r : advice.rows()) {
                assertThat(model.overheadShare(r.workers(), r.advisedK(), 64)).isLessThanOrEqualTo(0.10);
                assertThat(model.overheadShare(r.workers(), 2, r.advisedBatch()))
                        .isLessThanOrEqualTo(0.10);
                assertThat(r.speedUpAtAdvisedK())
                        .isGreaterThanOrEqualTo(r.speedUp())
                        .isLessThanOrEqualTo(r.workers());
                assertThat(r.speedUpAtAdvisedK()).isGreaterThanOrEqualTo(0.9 * r.workers() * (1 - 1e-9));
            }
            System.out.print(advice.text()); // what a user sees, in the test log
            assertThat(advice.clusterRow().workers()).isEqualTo(2);
            assertThat(advice.text())
                    .contains(
                            "executors",
                            "speed-up",
                            "advice: on 2 core(s) set train.averaging.frequency="
                                    + advice.clusterRow().advisedK());
        } finally {
            spark.stop();
        }
    }

    @Test
    void doctorAdvisePrintsJsonWithTheChecksAndTheAdvice() throws Exception {
        LocalSpark.start("doctor-advise-job"); // the job's getOrCreate picks this session up, and stops it
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int code;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            code = HearthJobs.commandLine(new DoctorJob())
                    .execute(
                            "--advise",
                            "--json",
                            "--advise-rounds",
                            "1",
                            "--features",
                            "50",
                            "--set",
                            "network.hidden=32",
                            "--set",
                            "train.averaging.frequency=3");
        } finally {
            System.setOut(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        JsonNode json = new ObjectMapper().readTree(text.substring(text.indexOf("{\n"), text.lastIndexOf('}') + 1));
        assertThat(json.path("checks").size()).isPositive();
        JsonNode advice = json.path("advice");
        assertThat(advice.path("features").asInt()).isEqualTo(50);
        assertThat(advice.path("averagingFrequency").asInt()).isEqualTo(3);
        assertThat(advice.path("clusterWorkers").asInt()).isEqualTo(2);
        assertThat(advice.path("measured").get(1).path("computeMsPerWorker").asDouble())
                .isPositive();
        JsonNode model = advice.path("model");
        RoundCostModel m = new RoundCostModel(
                model.path("stepBatch").asInt(),
                model.path("stepMs").asDouble(),
                model.path("fixedOverheadMs").asDouble(),
                model.path("perWorkerOverheadMs").asDouble());
        int k = advice.path("advisedAveragingFrequency").asInt();
        assertThat(k).isPositive();
        assertThat(m.overheadShare(2, k, 64)).isLessThanOrEqualTo(TrainingAdvice.TARGET_SHARE);
    }

    @Test
    void badInputIsRefusedBeforeSparkStartsNamingTheField() {
        StringWriter err = new StringWriter();
        var cl = HearthJobs.commandLine(new DoctorJob());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("--advise", "--features", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--features = 0 is out of range: must be at least 1");

        var settings = TrainSettings.loader().load(null, List.of());
        assertThatThrownBy(() -> AdviceSettings.request(settings, new Configuration(), null, 10, 0, 1))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("--advise-rounds = 0");
        assertThatThrownBy(() -> AdviceSettings.request(settings, new Configuration(), null, 1, 1, 1))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("--classes = 1");
        var missing = TrainSettings.loader().load(null, List.of("network.config=/no/such/network.yaml"));
        assertThatThrownBy(() -> AdviceSettings.request(missing, new Configuration(), null, 10, 1, 1))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("network.config '/no/such/network.yaml'");
        // A bad batch size is refused when the settings load (every value is checked once, at load).
        assertThatThrownBy(() -> TrainSettings.loader().load(null, List.of("train.batch.size.per.worker=0")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("train.batch.size.per.worker must be >= 1 but was 0");
    }
}
