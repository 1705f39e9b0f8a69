package dev.hearth.spark.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.StoredModels;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Regression end to end on real local[2] Spark and real data: {@code worst_area} of the Wisconsin breast-cancer set
 * (143.9–4,254) from its ten {@code mean_*} features, trained with Adam at 1e-3 and a standardised target, then
 * evaluated and batch-scored. The expected values are computed here independently of the jobs: the stored network's
 * raw output times the stored target std plus mean, on the separate test file.
 */
class RegressionScoringTest {
    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static HadoopModelStore store;
    private static TrainingSummary trained;
    private static List<String> header;
    private static List<String> trainRows;
    private static List<String> testRows;

    @BeforeAll
    static void train() throws Exception {
        spark = LocalSpark.start("regression-scoring-test");
        store = HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
        List<String> lines = Files.readAllLines(Path.of(RegressionScoringTest.class
                .getResource("/dev/hearth/spark/data/tumour-area.csv")
                .toURI()));
        header = List.of(lines.get(0));
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        Collections.shuffle(rows, new Random(11));
        // Separate files, so the training split is exactly train.csv and the target statistics can be checked.
        trainRows = rows.subList(0, 400);
        testRows = rows.subList(456, rows.size());
        write("train.csv", trainRows);
        write("validation.csv", rows.subList(400, 456));
        write("test.csv", testRows);
        trained = new TrainingPipeline(spark, store, DefaultEngine.get()).run(settings("area", "standardize"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static void write(String name, List<String> rows) throws Exception {
        List<String> all = new ArrayList<>(header);
        all.addAll(rows);
        Files.write(dir.resolve(name), all);
    }

    private static dev.hearth.config.Settings settings(String model, String target) {
        return TrainSettings.loader()
                .load(
                        null,
                        List.of(
                                "data.path=" + dir.resolve("train.csv"),
                                "data.validation.path=" + dir.resolve("validation.csv"),
                                "data.test.path=" + dir.resolve("test.csv"),
                                "data.label.column=worst_area",
                                "model.name=" + model,
                                "network.head=regression",
                                "network.target.normalizer=" + target,
                                "normalizer=standardize",
                                "network.hidden=32",
                                "network.updater=adam",
                                "network.learning.rate=0.001",
                                "train.epochs=60",
                                "train.batch.size.per.worker=16",
                                "train.averaging.frequency=2",
                                "train.checkpoint=false"));
    }

    private static DatasetSpec csv(String path, String label) {
        return new DatasetSpec(path, "csv", label, true, ',', List.of(), false, 0, false);
    }

    private static double target(String row) {
        return Double.parseDouble(row.substring(row.lastIndexOf(',') + 1));
    }

    /** The stored network's outputs on {@code rows}, mapped back by hand with the stored mean and std. */
    private static double[] expectedPredictions(List<String> rows) {
        StoredModels.Loaded model = StoredModels.load(store, "area");
        Signature sig = model.version().metadata().signature();
        int width = sig.featureCount();
        float[] x = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            String[] f = rows.get(r).split(",");
            for (int c = 0; c < width; c++) {
                x[r * width + c] = Float.parseFloat(f[c]);
            }
            sig.normalizer().apply(x, r * width, width);
        }
        MultiLayerNetwork net = model.network();
        double[] raw = net.output(Nd4j.create(x, new long[] {rows.size(), width}, 'c'), false)
                .castTo(DataType.DOUBLE)
                .toDoubleVector();
        double mean = sig.targetNormalizer().mean()[0];
        double std = sig.targetNormalizer().std()[0];
        return Arrays.stream(raw).map(v -> v * std + mean).toArray();
    }

    private static double[] metrics(double[] predicted, List<String> rows) {
        double mean = rows.stream()
                .mapToDouble(RegressionScoringTest::target)
                .average()
                .orElseThrow();
        double sse = 0;
        double sae = 0;
        double sst = 0;
        for (int r = 0; r < rows.size(); r++) {
            double y = target(rows.get(r));
            sse += (predicted[r] - y) * (predicted[r] - y);
            sae += Math.abs(predicted[r] - y);
            sst += (y - mean) * (y - mean);
        }
        return new double[] {sse / rows.size(), sae / rows.size(), 1 - sse / sst};
    }

    private static void figure(String line) throws Exception {
        System.out.println(line);
        Path out = LocalSpark.projectRoot().resolve("spark-jobs/target/regression-figure.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(
                out, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void targetIsStandardisedOnTheTrainingSplitOnlyAndStoredWithTheModel() {
        var meta = trained.published().metadata();
        Signature sig = meta.signature();
        assertThat(meta.formatVersion()).isEqualTo(2);
        assertThat(sig.isRegression()).isTrue();
        assertThat(sig.labelNames()).isEmpty();
        assertThat(sig.targets()).containsExactly("worst_area");
        NormalizerSpec t = sig.targetNormalizer();
        assertThat(t.kind()).isEqualTo("standardize");
        double mean = trainRows.stream()
                .mapToDouble(RegressionScoringTest::target)
                .average()
                .orElseThrow();
        double std = Math.sqrt(trainRows.stream()
                        .mapToDouble(r -> (target(r) - mean) * (target(r) - mean))
                        .sum()
                / trainRows.size());
        double testMean = testRows.stream()
                .mapToDouble(RegressionScoringTest::target)
                .average()
                .orElseThrow();
        assertThat(t.mean()[0]).isCloseTo(mean, within(1e-9 * mean));
        assertThat(t.std()[0]).isCloseTo(std, within(1e-9 * std));
        assertThat(Math.abs(testMean - mean))
                .as("the test file's mean differs, so it was not used")
                .isGreaterThan(1);
        assertThat(trained.metrics().get("r2")).isGreaterThan(0.8);
        // Original units: an error of tens to hundreds of px², not of standardised units.
        assertThat(trained.metrics().get("mae")).isBetween(10.0, std / 2);
    }

    @Test
    void evaluateReportsMetricsInTheTargetsUnitsMatchingAnIndependentComputation() throws Exception {
        EvaluationReport r = new ModelEvaluator(spark, store, new ParameterAveragingEngine())
                .evaluate("area", csv(dir.resolve("test.csv").toString(), "worst_area"), 32);
        double[] expected = metrics(expectedPredictions(testRows), testRows);
        assertThat(r.examples()).isEqualTo(testRows.size());
        assertThat(r.metrics().get("mse")).isCloseTo(expected[0], within(1e-3 * expected[0]));
        assertThat(r.metrics().get("mae")).isCloseTo(expected[1], within(1e-3 * expected[1]));
        assertThat(r.metrics().get("r2")).isCloseTo(expected[2], within(1e-3));
        // The training run evaluated the same test file with the same network.
        assertThat(trained.metrics().get("mse")).isCloseTo(expected[0], within(1e-3 * expected[0]));
        figure(String.format(
                Locale.ROOT,
                "worst_area regression (%d test rows, Adam 1e-3, standardised target):"
                        + " mse %.1f  mae %.2f  r2 %.4f (evaluate job)",
                r.examples(),
                r.metrics().get("mse"),
                r.metrics().get("mae"),
                r.metrics().get("r2")));
    }

    @Test
    void predictWritesPredictedValuesInTheTargetsUnits() throws Exception {
        String out = dir.resolve("scored").toString();
        long n = new BatchScorer(spark, store)
                .score(
                        "area",
                        csv(dir.resolve("test.csv").toString(), "worst_area"),
                        out,
                        TrainSettings.PredictFormat.CSV,
                        false);
        assertThat(n).isEqualTo(testRows.size());
        List<Row> rows = spark.read()
                .option("header", "true")
                .option("inferSchema", "true")
                .csv(out)
                .collectAsList();
        assertThat(rows.get(0).schema().fieldNames()).containsExactly("label", "prediction");
        double[] written = rows.stream()
                .mapToDouble(r -> ((Number) r.getAs("prediction")).doubleValue())
                .sorted()
                .toArray();
        double[] expected = expectedPredictions(testRows);
        double[] sorted = expected.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertThat(written[i]).isCloseTo(sorted[i], within(1e-3 * Math.max(1, Math.abs(sorted[i]))));
        }
        // Each written prediction sits next to its own true value: the file's MSE is the model's.
        double sse = 0;
        for (Row r : rows) {
            double e = ((Number) r.getAs("prediction")).doubleValue()
                    - Double.parseDouble(r.getAs("label").toString());
            sse += e * e;
        }
        double mse = metrics(expected, testRows)[0];
        assertThat(sse / rows.size()).isCloseTo(mse, within(1e-3 * mse));
    }

    @Test
    void anUnscaledTargetBarelyMovesWithAdamAt1e3() throws Exception {
        TrainingSummary raw = new TrainingPipeline(spark, store, DefaultEngine.get()).run(settings("area-raw", "none"));
        assertThat(raw.published().metadata().signature().targetNormalizer().kind())
                .isEqualTo("none");
        assertThat(raw.metrics().get("r2")).isLessThan(0.5);
        assertThat(trained.metrics().get("r2")).isGreaterThan(raw.metrics().get("r2") + 0.4);
        figure(String.format(
                Locale.ROOT,
                "same network, 60 epochs: network.target.normalizer=none r2 %.4f mse %.0f"
                        + "  vs standardize r2 %.4f mse %.0f",
                raw.metrics().get("r2"),
                raw.metrics().get("mse"),
                trained.metrics().get("r2"),
                trained.metrics().get("mse")));
    }
}
