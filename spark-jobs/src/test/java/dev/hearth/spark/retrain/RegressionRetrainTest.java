package dev.hearth.spark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.scoring.ModelEvaluator;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retraining a regression model on real local[2] Spark: {@code worst_area} of the breast-cancer set split into a
 * fixed evaluation set and three daily partitions. Day 1 trains a short first champion; day 2 trains longer from it
 * and must be promoted on a lower MSE; day 3's targets are shuffled among its rows and the challenger, with a
 * higher MSE, must be rejected. The gate metric is {@code auto}, that is MSE, lower is better.
 */
class RegressionRetrainTest {
    private static SparkSession spark;

    private RetrainFixture fixture;

    @BeforeEach
    void newFixture(@TempDir Path dir) {
        fixture = new RetrainFixture(spark, dir);
    }

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("regression-retrain-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private Settings settings(String... extra) {
        return fixture.settings(
                "area",
                List.of(
                        "retrain.gate.margin.relative=0.01",
                        "retrain.infra.warmup.calls=20",
                        "retrain.infra.max.p99.millis=100000",
                        "data.label.column=worst_area",
                        "network.head=regression",
                        "normalizer=standardize",
                        "network.hidden=32",
                        "network.learning.rate=0.001"),
                extra);
    }

    @Test
    void gateOnMsePromotesALowerMseAndRejectsAHigherOne() throws Exception {
        writeData();
        HadoopModelStore store = fixture.store();
        RetrainRunner runner = new RetrainRunner(spark, store, DefaultEngine.get());

        addDay(1, false);
        RetrainReport day1 = log("day 1 (3 epochs)", runner.run(settings("train.epochs=3"), false));
        assertThat(day1.outcome()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(day1.checks()).containsExactly("no champion: margin rule skipped");
        assertThat(day1.challengerMetrics()).containsKeys("mse", "mae", "r2").doesNotContainKey("accuracy");

        addDay(2, false);
        RetrainReport day2 = log("day 2 (60 epochs from the champion)", runner.run(settings("train.epochs=60"), false));
        assertThat(day2.challengerMetrics().get("mse"))
                .isLessThan(0.99 * day2.championMetrics().get("mse"));
        assertThat(day2.outcome()).as(day2.summaryLine()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(day2.checks()).anyMatch(c -> c.startsWith("mse ") && c.contains("lower is better: improvement +"));
        // McNemar's test is classification only: nothing paired, nothing reported.
        assertThat(day2.significance()).isNull();
        assertThat(day2.summaryLine()).doesNotContain("McNemar");
        assertThat(store.aliases("area")).containsEntry("production", 2);
        ModelVersion v2 = store.resolve(ModelRef.parse("area/2"));
        assertThat(v2.metadata().provenance()).containsEntry("parentVersion", "area/1");
        // The warm start kept the champion's target scaling, which its weights were learned with.
        assertThat(v2.metadata().signature().targetNormalizer().mean())
                .isEqualTo(store.resolve(ModelRef.parse("area/1"))
                        .metadata()
                        .signature()
                        .targetNormalizer()
                        .mean());

        // The gate's own pass and the evaluate job agree on the same set, in the target's units.
        EvaluationReport evaluated = new ModelEvaluator(spark, store, new ParameterAveragingEngine())
                .evaluate(
                        "area/2",
                        new DatasetSpec(
                                fixture.evalFile().toString(),
                                "csv",
                                "worst_area",
                                true,
                                ',',
                                List.of(),
                                false,
                                0,
                                false),
                        64);
        double mse = day2.challengerMetrics().get("mse");
        assertThat(evaluated.metrics().get("mse")).isCloseTo(mse, within(1e-3 * mse));
        assertThat(evaluated.metrics().get("r2"))
                .isCloseTo(day2.challengerMetrics().get("r2"), within(1e-3));

        addDay(3, true);
        RetrainReport day3 = log("day 3 (targets shuffled)", runner.run(settings("train.epochs=60"), false));
        assertThat(day3.challengerMetrics().get("mse"))
                .isGreaterThan(day3.championMetrics().get("mse"));
        assertThat(day3.outcome()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(day3.exitCode()).isEqualTo(10);
        assertThat(day3.reasons()).singleElement().asString().startsWith("mse ").contains("improvement -");
        assertThat(store.aliases("area")).containsEntry("production", 2);
        assertThat(store.resolve(ModelRef.parse("area/3")).metadata().tags()).containsEntry("decision", "rejected");
    }

    @Test
    void aClassificationGateMetricIsRefusedBeforeTraining() throws Exception {
        writeData();
        addDay(1, false);
        HadoopModelStore store = fixture.store();
        assertThatThrownBy(() -> new RetrainRunner(spark, store, DefaultEngine.get())
                        .run(settings("retrain.gate.metric=accuracy"), false))
                .isInstanceOf(SettingsException.class)
                .hasMessage("retrain.gate.metric is 'accuracy' but a regression model is gated on one of"
                        + " [mse, mae, r2] (or auto)");
        assertThat(store.listModels()).isEmpty();
    }

    @Test
    void aSignificanceLevelIsRefusedBeforeTrainingARegressionModel() throws Exception {
        writeData();
        addDay(1, false);
        HadoopModelStore store = fixture.store();
        assertThatThrownBy(() -> new RetrainRunner(spark, store, DefaultEngine.get())
                        .run(settings("retrain.gate.significance=0.05"), false))
                .isInstanceOf(SettingsException.class)
                .hasMessage("retrain.gate.significance is 0.05 but the significance test (McNemar's, on the rows"
                        + " only one model got right) applies to classification only; set it to 0 for a regression"
                        + " model");
        assertThat(store.listModels()).isEmpty();
    }

    private static RetrainReport log(String step, RetrainReport r) throws Exception {
        RetrainFixture.appendFigure(
                "regression-figure.txt", step + ": " + r.summaryLine() + "\n  checks " + r.checks() + "\n");
        return r;
    }

    private void writeData() throws Exception {
        fixture.writeData("/dev/hearth/spark/data/tumour-area.csv", 5, 120);
    }

    /** Day {@code day}'s 150 rows; with {@code shuffled}, their targets permuted among them. */
    private void addDay(int day, boolean shuffled) throws Exception {
        List<String> part = fixture.rows(120 + (day - 1) * 149, 120 + day * 149);
        if (shuffled) {
            List<String> targets = new ArrayList<>();
            part.forEach(r -> targets.add(r.substring(r.lastIndexOf(',') + 1)));
            Collections.shuffle(targets, new Random(day));
            for (int i = 0; i < part.size(); i++) {
                String r = part.get(i);
                part.set(i, r.substring(0, r.lastIndexOf(',') + 1) + targets.get(i));
            }
        }
        fixture.writeDay(day, part);
    }
}
