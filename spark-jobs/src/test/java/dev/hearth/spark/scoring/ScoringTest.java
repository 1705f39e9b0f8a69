package dev.hearth.spark.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.StoredModels;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Evaluate and predict with a model trained and stored in the same test, on real local[2] Spark. */
class ScoringTest {
    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static HadoopModelStore store;
    private static String digits;
    private static TrainingSummary trained;

    @BeforeAll
    static void train() throws Exception {
        spark = LocalSpark.start("scoring-test");
        store = HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
        digits = Path.of(ScoringTest.class
                        .getResource("/dev/hearth/spark/data/digits-8x8.csv")
                        .toURI())
                .toString();
        trained = new TrainingPipeline(spark, store, DefaultEngine.get())
                .run(TrainSettings.loader()
                        .load(
                                null,
                                List.of(
                                        "data.path=" + digits,
                                        "model.name=digits",
                                        "network.hidden=32",
                                        "network.learning.rate=0.01",
                                        "train.epochs=5",
                                        "train.batch.size.per.worker=32")));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static DatasetSpec csv(String path, String label) {
        return new DatasetSpec(path, "csv", label, true, ',', List.of(), false, 0, false);
    }

    @Test
    void evaluateComputesClassificationMetricsAndTheConfusionMatrix() {
        EvaluationReport r = new ModelEvaluator(spark, store, new ParameterAveragingEngine())
                .evaluate("digits/1", csv(digits, "label"), 64);
        assertThat(r.examples()).isEqualTo(1797);
        assertThat(r.metrics().get("accuracy")).isGreaterThan(0.9);
        assertThat(r.metrics()).containsKeys("f1", "precision.0", "recall.9");
        long total = 0;
        long diagonal = 0;
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                total += r.confusion()[i][j];
            }
            diagonal += r.confusion()[i][i];
        }
        assertThat(total).isEqualTo(1797);
        assertThat((double) diagonal / total)
                .isEqualTo(r.metrics().get("accuracy"), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void evaluatingOnTheRuntimesPredictorGivesTheSameConfusionAsDl4jsEvaluation() {
        ModelEvaluator evaluator = new ModelEvaluator(spark, store, new ParameterAveragingEngine());
        EvaluationReport dl4j = evaluator.evaluate("digits/1", csv(digits, "label"), 64);
        EvaluationReport runtime = evaluator.evaluateOnPredictor(
                store.resolve(dev.hearth.store.ModelRef.parse("digits/1")), csv(digits, "label"), 64);
        assertThat(runtime.examples()).isEqualTo(1797);
        assertThat(runtime.confusion()).isDeepEqualTo(dl4j.confusion());
        assertThat(runtime.metrics()).isEqualTo(dl4j.metrics());
    }

    @Test
    void evaluateRefusesLabelsUnseenInTraining() throws Exception {
        Path f = dir.resolve("unseen.csv");
        List<String> lines = Files.readAllLines(Path.of(digits)).subList(0, 3);
        String bad = lines.get(2).substring(0, lines.get(2).lastIndexOf(',')) + ",eleven";
        Files.write(f, List.of(lines.get(0), lines.get(1), bad));
        assertThatThrownBy(() -> new ModelEvaluator(spark, store, new ParameterAveragingEngine())
                        .evaluate("digits", csv(f.toString(), "label"), 64))
                .rootCause()
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("label 'eleven' was not seen in training");
    }

    @Test
    void predictWritesLabelsAndProbabilitiesMatchingTheLocalNetwork() throws Exception {
        String out = dir.resolve("scored").toString();
        long n = new BatchScorer(spark, store)
                .score("digits", csv(digits, "label"), out, TrainSettings.PredictFormat.PARQUET, false);
        assertThat(n).isEqualTo(1797);
        List<Row> rows = spark.read().parquet(out).collectAsList();
        Row first = rows.get(0);
        assertThat(first.schema().fieldNames()).startsWith("label", "prediction", "probability_0");
        assertThat(first.schema().fieldNames()).hasSize(12);
        long correct =
                rows.stream().filter(r -> r.getString(0).equals(r.getString(1))).count();
        assertThat((double) correct / n).isGreaterThan(0.9);

        // Same raw row, same stored normaliser, same network: same probabilities as scoring locally.
        String line = Files.readAllLines(Path.of(digits)).get(1);
        String[] cells = line.split(",");
        float[] x = new float[64];
        for (int i = 0; i < 64; i++) {
            x[i] = Float.parseFloat(cells[i]);
        }
        StoredModels.Loaded model = StoredModels.load(store, "digits");
        Signature sig = model.version().metadata().signature();
        sig.normalizer().apply(x, 0, 64);
        float[] expected = model.network()
                .output(Nd4j.create(x, new long[] {1, 64}, DataType.FLOAT))
                .data()
                .asFloat();
        assertThat(rows).anySatisfy(r -> {
            for (int c = 0; c < 10; c++) {
                assertThat(r.getFloat(2 + c)).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-6f));
            }
        });

        assertThatThrownBy(() -> new BatchScorer(spark, store)
                        .score("digits", csv(digits, "label"), out, TrainSettings.PredictFormat.PARQUET, false))
                .hasMessageContaining("already exists");
    }

    @Test
    void predictScoresUnlabelledCsv() throws Exception {
        Path f = dir.resolve("unlabelled.csv");
        List<String> src = Files.readAllLines(Path.of(digits)).subList(0, 11);
        List<String> stripped =
                src.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
        Files.write(f, stripped);
        String out = dir.resolve("scored-csv").toString();
        long n = new BatchScorer(spark, store)
                .score("digits/1", csv(f.toString(), ""), out, TrainSettings.PredictFormat.CSV, false);
        assertThat(n).isEqualTo(10);
        assertThat(spark.read().option("header", "true").csv(out).columns()).startsWith("prediction", "probability_0");
        assertThat(trained.published().version()).isEqualTo(1);
    }
}
