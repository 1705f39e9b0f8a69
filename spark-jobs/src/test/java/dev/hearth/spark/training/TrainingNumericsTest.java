package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.DigitsJob;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.LogCapture;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Divergence, NaN validation, constant columns and float32 precision, through real local[2] training runs. */
class TrainingNumericsTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("training-numerics-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Path resource(String name) {
        return LocalSpark.testData(name);
    }

    private HadoopModelStore store() {
        return LocalSpark.store(spark, dir);
    }

    private static Settings digits(String... extra) {
        return DigitsJob.settings(LocalSpark.testData("digits-8x8.csv"), 32, List.of("train.checkpoint=false"), extra);
    }

    /** A real engine whose validation pass reports NaN in epoch {@code nanEpoch}. */
    private static TrainingEngine nanValidationIn(int nanEpoch) {
        TrainingEngine real = DefaultEngine.get();
        return (sc, network, options) -> new DelegatingSession(real.open(sc, network, options)) {
            private int evaluations;

            @Override
            public EvaluationReport evaluate(JavaRDD<DataSet> data, List<String> labels) {
                EvaluationReport r = super.evaluate(data, labels);
                return ++evaluations == nanEpoch
                        ? new EvaluationReport(r.examples(), Map.of("accuracy", Double.NaN), r.labels(), r.confusion())
                        : r;
            }
        };
    }

    /**
     * A real engine whose network diverges in epoch {@code epoch}: after fitting, its parameters are NaN and the
     * epoch's loss is NaN, as after an exploding update.
     */
    private static TrainingEngine divergingIn(int epoch) {
        TrainingEngine real = DefaultEngine.get();
        return (sc, network, options) -> new DelegatingSession(real.open(sc, network, options)) {
            private int epochs;

            @Override
            public EpochFit fitEpoch(dev.hearth.spark.data.EpochBatches train) {
                EpochFit fit = super.fitEpoch(train);
                if (++epochs != epoch) {
                    return fit;
                }
                INDArray params = network().params();
                network().setParams(Nd4j.valueArrayOf(params.shape(), Double.NaN, params.dataType()));
                return new EpochFit(Double.NaN, fit.examples());
            }
        };
    }

    @Test
    void aNanValidationMetricNeverBecomesBestAndStopsTheRunKeepingTheBestEpoch() throws Exception {
        TrainingSummary s = new TrainingPipeline(spark, store(), nanValidationIn(3))
                .run(digits("train.epochs=5", "split.validation.fraction=0.2"));
        Map<String, Object> p = s.published().metadata().provenance();
        assertThat(s.epochs()).hasSize(3);
        assertThat(s.epochs().get(2).validation()).isNaN();
        assertThat(((Number) p.get("bestEpoch")).intValue()).isIn(1, 2);
        assertThat(p).containsEntry("stoppedEarly", true);
        assertThat((String) p.get("stopReason"))
                .startsWith("epoch 3: the validation metric is NaN, so training "
                        + "diverged; stopping and keeping epoch ");
        assertThat(s.metrics().get("accuracy")).isGreaterThan(0.6);
    }

    @Test
    void aDivergedTrainingLossStopsTheRunAndTheBestEpochIsPublished() throws Exception {
        TrainingSummary s = new TrainingPipeline(spark, store(), divergingIn(2)).run(digits("train.epochs=4"));
        assertThat(s.epochs()).hasSize(2);
        assertThat(s.epochs().get(1).loss()).isNaN();
        Map<String, Object> p = s.published().metadata().provenance();
        assertThat(p).containsEntry("bestEpoch", 1);
        assertThat((String) p.get("stopReason")).startsWith("epoch 2: the training loss is NaN");
        // The published network holds epoch 1's finite parameters.
        INDArray params = StoredModels.load(store(), "digits").network().params();
        assertThat(params.isNaN().any()).isFalse();
        assertThat(s.metrics().get("accuracy")).isGreaterThan(0.5);
    }

    @Test
    void divergenceInTheFirstEpochPublishesNothing() throws Exception {
        HadoopModelStore store = store();
        assertThatThrownBy(() -> new TrainingPipeline(spark, store, divergingIn(1)).run(digits("train.epochs=3")))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageStartingWith("epoch 1: the training loss is NaN, so training diverged and there is no "
                        + "earlier epoch to keep");
        assertThat(store.listVersions("digits")).isEmpty();
    }

    @Test
    void constantColumnsOfRealDataGetScaleOneSoAChangedServingValueStaysSmall() throws Exception {
        TrainingSummary s = new TrainingPipeline(spark, store(), DefaultEngine.get())
                .run(digits("train.epochs=1", "normalizer=standardize"));
        NormalizerSpec n = s.published().metadata().signature().normalizer();
        List<String> names = s.published().metadata().signature().featureNames();
        int p0 = names.indexOf("p0");
        // Pixel 0 of every 8x8 digit is blank: a constant column.
        assertThat(n.mean()[p0]).isEqualTo(0.0);
        assertThat(n.std()[p0]).isEqualTo(1.0);
        float[] row = new float[names.size()];
        row[p0] = 3f;
        n.apply(row, 0, row.length);
        assertThat(row[p0]).isEqualTo(3f);
        INDArray out =
                StoredModels.load(store(), "digits").network().output(Nd4j.create(row, new long[] {1, row.length}));
        assertThat(out.isNaN().any()).isFalse();
        assertThat(out.sumNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
    }

    @Test
    void valuesThatLoseDigitsAsFloat32AreWarnedAboutOnceWithTheColumnAndAnExample() throws Exception {
        List<String> lines = Files.readAllLines(resource("iris.csv"));
        List<String> out = new ArrayList<>(List.of("ts," + lines.get(0)));
        for (int i = 1; i < lines.size(); i++) {
            out.add((1_700_000_001L + 37L * i) + "," + lines.get(i));
        }
        Path csv = dir.resolve("iris-ts.csv");
        Files.write(csv, out);
        TrainJobConfig cfg = TrainJobConfig.of(
                TrainSettings.loader().load(null, List.of("data.path=" + csv, "model.name=iris")),
                spark.sparkContext().hadoopConfiguration());
        List<JavaRDD<?>> cached = new ArrayList<>();
        try (LogCapture log = LogCapture.of(Splits.class)) {
            Splits.of(new DatasetLoader(spark), cfg, cached);
            List<String> warnings = log.at(Level.WARN);
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0))
                    .startsWith("Feature values lose digits as float32 in 1 column: '17000")
                    .containsPattern("'1700000\\d{3}' in column ts reads as 1\\.7\\d*E9\\. ")
                    .contains("holds integers exactly only up to 16,777,216");
        } finally {
            cached.forEach(JavaRDD::unpersist);
        }
        try (LogCapture log = LogCapture.of(Splits.class)) {
            Splits.of(
                    new DatasetLoader(spark),
                    TrainJobConfig.of(
                            TrainSettings.loader()
                                    .load(null, List.of("data.path=" + resource("iris.csv"), "model.name=iris")),
                            spark.sparkContext().hadoopConfiguration()),
                    cached);
            assertThat(log.at(Level.WARN)).isEmpty();
        } finally {
            cached.forEach(JavaRDD::unpersist);
        }
    }
}
