package dev.hearth.spark.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.runtime.onnx.OnnxImport;
import dev.hearth.runtime.onnx.ThirdPartyFiles;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MLP PyTorch trained on iris, exported to ONNX and imported with {@code hearth models import}, scored by the
 * Spark jobs on real local[2] Spark: {@code predict} writes PyTorch's probabilities (within 1e-5) with one ONNX
 * Runtime session shared by the executor's tasks, and {@code evaluate} finds PyTorch's own accuracy.
 */
class OnnxScoringIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static HadoopModelStore store;
    private static String iris;

    @BeforeAll
    static void importModel() throws Exception {
        spark = LocalSpark.start("onnx-scoring-it");
        Path storeDir = dir.resolve("store");
        store = HadoopModelStore.open(storeDir.toString(), spark.sparkContext().hadoopConfiguration());
        // The library call of hearth models import (model-runtime), as the command makes it.
        OnnxImport.importFile(
                store,
                "iris-torch",
                ThirdPartyFiles.file("mlp.onnx"),
                OnnxImport.Options.labels(List.of("setosa", "versicolor", "virginica")));
        iris = LocalSpark.projectRoot()
                .resolve("model-runtime/src/test/resources/dev/hearth/runtime/onnx/iris.csv")
                .toString();
    }

    @AfterAll
    static void stop() {
        ExecutorSessions.closeIdle();
        spark.stop();
    }

    private static DatasetSpec csv(String path) {
        return new DatasetSpec(path, "csv", "label", true, ',', List.of(), false, 0, false);
    }

    @Test
    void predictWritesPytorchsProbabilitiesWithOneSessionPerExecutor() throws Exception {
        ExecutorSessions.closeIdle();
        String out = dir.resolve("scored").toString();
        long n = new BatchScorer(spark, store)
                .score("iris-torch", csv(iris), out, TrainSettings.PredictFormat.PARQUET, false);
        assertThat(n).isEqualTo(150);
        // local[2]: both tasks ran in this JVM, on one shared session (the driver's check opened it first).
        assertThat(ExecutorSessions.open()).isEqualTo(1);
        List<Row> rows = spark.read().parquet(out).collectAsList();
        assertThat(rows.get(0).schema().fieldNames())
                .containsExactly(
                        "label", "prediction", "probability_setosa", "probability_versicolor", "probability_virginica");
        JsonNode expected = JSON.readTree(ThirdPartyFiles.file("mlp.json").toFile())
                .get("outputs")
                .get("probabilities")
                .get("data");
        for (int r = 0; r < expected.size() / 3; r++) {
            int row = r;
            assertThat(rows)
                    .as("a scored row with PyTorch's probabilities of fixed row %s", r)
                    .anySatisfy(s -> {
                        for (int c = 0; c < 3; c++) {
                            assertThat((double) s.getFloat(2 + c))
                                    .isCloseTo(
                                            expected.get(row * 3 + c).asDouble(),
                                            org.assertj.core.data.Offset.offset(1e-5));
                        }
                    });
        }
        ExecutorSessions.closeIdle();
        assertThat(ExecutorSessions.open()).isZero();
    }

    @Test
    void evaluateFindsPytorchsOwnAccuracy() throws Exception {
        EvaluationReport r =
                new ModelEvaluator(spark, store, new ParameterAveragingEngine()).evaluate("iris-torch", csv(iris), 32);
        assertThat(r.examples()).isEqualTo(150);
        double pytorch = JSON.readTree(ThirdPartyFiles.file("summary.json").toFile())
                .get("mlp_accuracy")
                .asDouble();
        assertThat(r.metrics().get("accuracy")).isEqualTo(pytorch, org.assertj.core.data.Offset.offset(1e-6));
    }
}
