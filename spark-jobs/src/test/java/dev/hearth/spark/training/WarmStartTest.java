package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Warm starts on real local[2] Spark and the bundled iris set: the champion's normaliser and label list are kept
 * (a window missing a class is fine, a new class is refused), and the learning-rate schedule continues. A regression
 * model (tumour areas) keeps its target normaliser too.
 */
class WarmStartTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("warm-start-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private HadoopModelStore store() {
        return LocalSpark.store(spark, dir);
    }

    private static List<String> iris() throws Exception {
        return Files.readAllLines(Path.of(WarmStartTest.class
                .getResource("/dev/hearth/spark/data/iris.csv")
                .toURI()));
    }

    private Settings settings(Path data, String... extra) {
        List<String> s = new ArrayList<>(List.of(
                "data.path=" + data,
                "model.name=iris",
                "store.root=" + dir.resolve("store"),
                "network.hidden=16",
                "network.learning.rate=0.05",
                "train.epochs=3",
                "train.batch.size.per.worker=8",
                "train.averaging.frequency=2",
                "split.test.fraction=0.3",
                "split.validation.fraction=0",
                "train.checkpoint=false"));
        s.addAll(List.of(extra));
        return TrainSettings.loader().load(null, s);
    }

    private Path write(String name, List<String> lines) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, lines);
        return p;
    }

    private TrainingSummary train(Settings s) {
        return new TrainingPipeline(spark, store(), DefaultEngine.get()).run(s);
    }

    @Test
    void aWindowMissingAClassKeepsTheChampionsNormaliserAndLabels() throws Exception {
        List<String> all = iris();
        ModelVersion v1 = train(settings(write("all.csv", all))).published();
        // A "one-day window" without setosa, whose petal measurements are the smallest: a refit would move min.
        List<String> window =
                new ArrayList<>(all.stream().filter(l -> !l.endsWith(",setosa")).toList());
        ModelVersion v2 = train(settings(write("window.csv", window), "model.warm.start=iris/1", "train.epochs=2"))
                .published();

        NormalizerSpec champion = v1.metadata().signature().normalizer();
        NormalizerSpec kept = v2.metadata().signature().normalizer();
        assertThat(kept.kind()).isEqualTo("minmax");
        assertThat(kept.min()).containsExactly(champion.min());
        assertThat(kept.max()).containsExactly(champion.max());
        // petal_length: iris min 1.0 (a setosa); the window's own min would be 3.0
        assertThat(kept.min()[2]).isEqualTo(1.0);
        assertThat(v2.metadata().signature().labelNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(v2.metadata().provenance()).containsEntry("parentVersion", "iris/1");

        // The window's test split has no setosa: reported, and left out of the macro averages.
        JsonNode evaluation = new ObjectMapper().readTree(store().readFile(v2, "evaluation.json"));
        assertThat(evaluation.get("zeroSupportClasses").toString()).isEqualTo("[\"setosa\"]");
        JsonNode m = evaluation.get("metrics");
        assertThat(m.get("f1").asDouble())
                .isEqualTo(
                        (m.get("f1.versicolor").asDouble()
                                        + m.get("f1.virginica").asDouble())
                                / 2,
                        org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void aClassTheChampionDoesNotKnowIsRefusedPointingAtAScratchStart() throws Exception {
        List<String> all = iris();
        train(settings(write("all.csv", all)));
        List<String> window = new ArrayList<>(all);
        for (int i = 1; i < 6; i++) {
            window.set(i, window.get(i).replace(",setosa", ",hybrid"));
        }
        assertThatThrownBy(() -> train(settings(write("window.csv", window), "model.warm.start=iris")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("has class 'hybrid' that model.warm.start iris/1 does not know")
                .hasMessageContaining("[setosa, versicolor, virginica]")
                .hasMessageContaining("retrain.start=scratch");
        assertThat(store().listVersions("iris")).hasSize(1);
        assertThatThrownBy(() -> train(settings(write("other.csv", all), "train.warm.start.schedule=resume")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("train.warm.start.schedule must be one of [continue, restart] but was 'resume'");
    }

    @Test
    void theLearningRateScheduleContinuesFromTheChampionsIterationCountOrRestartsWhenAsked() throws Exception {
        Path data = write("all.csv", iris());
        Path spec = write(
                "net.yaml",
                List.of(
                        "head: classification",
                        "updater: sgd",
                        "learningRate: 0.1",
                        "schedule: {type: exponential, decay: 0.99}",
                        "layers:",
                        "  - {type: dense, units: 16, activation: relu}"));
        String net = "network.config=" + spec;
        int n1 = iterations(train(settings(data, net)).published());
        int n2 =
                iterations(train(settings(data, net, "model.warm.start=iris/1")).published());
        int n3 = iterations(train(settings(data, net, "model.warm.start=iris/1", "train.warm.start.schedule=restart"))
                .published());
        assertThat(n1).isPositive();
        // same data, epochs and batches: each run adds the same number of iterations
        assertThat(n2).isEqualTo(n1 + n3);
        assertThat(n3).isEqualTo(n1);

        MultiLayerNetwork continued = StoredModels.load(store(), "iris/2").network();
        ISchedule schedule = schedule(continued);
        // where v2 ended, the rate is 0.1 * 0.99^(n1 + n3), well below where a restarted schedule ends
        assertThat(schedule.valueAt(n2, 0))
                .isCloseTo(0.1 * Math.pow(0.99, n2), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(schedule.valueAt(n2, 0)).isLessThan(schedule.valueAt(n3, 0));
        assertThat(store().resolve(ModelRef.parse("iris/3")).metadata().training())
                .containsEntry("train.warm.start.schedule", "restart");
    }

    @Test
    void aRegressionWarmStartKeepsTheChampionsTargetNormaliser() throws Exception {
        List<String> all = Files.readAllLines(Path.of(WarmStartTest.class
                .getResource("/dev/hearth/spark/data/tumour-area.csv")
                .toURI()));
        String[] regression = {
            "model.name=area",
            "data.label.column=worst_area",
            "network.head=regression",
            "normalizer=standardize",
            "network.learning.rate=0.001",
            "train.epochs=1"
        };
        ModelVersion v1 = train(settings(write("areas.csv", all), regression)).published();
        // A window of the largest tumours only: refitted, the target's mean would move far above the champion's.
        List<String> window = new ArrayList<>(List.of(all.get(0)));
        all.subList(1, all.size()).stream().filter(l -> target(l) > 1500).forEach(window::add);
        double windowMean = window.subList(1, window.size()).stream()
                .mapToDouble(WarmStartTest::target)
                .average()
                .orElseThrow();
        List<String> warm = new ArrayList<>(List.of(regression));
        warm.add("model.warm.start=area/1");
        ModelVersion v2 = train(settings(write("large-areas.csv", window), warm.toArray(String[]::new)))
                .published();

        NormalizerSpec champion = v1.metadata().signature().targetNormalizer();
        NormalizerSpec kept = v2.metadata().signature().targetNormalizer();
        assertThat(champion.kind()).isEqualTo("standardize");
        assertThat(kept.kind()).isEqualTo("standardize");
        assertThat(kept.mean()).containsExactly(champion.mean());
        assertThat(kept.std()).containsExactly(champion.std());
        assertThat(kept.mean()[0]).isLessThan(windowMean - 500);
        assertThat(v2.metadata().signature().normalizer().mean())
                .containsExactly(v1.metadata().signature().normalizer().mean());
        assertThat(v2.metadata().provenance()).containsEntry("parentVersion", "area/1");

        // A regression model cannot warm-start a classification head.
        assertThatThrownBy(() -> train(settings(
                        write("areas-again.csv", all),
                        "model.name=area",
                        "data.label.column=worst_area",
                        "model.warm.start=area/1")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("model.warm.start area/1 is a regression model but network.head is classification");
    }

    private static double target(String csvLine) {
        return Double.parseDouble(csvLine.substring(csvLine.lastIndexOf(',') + 1));
    }

    private static ISchedule schedule(MultiLayerNetwork net) {
        return ((org.nd4j.linalg.learning.config.Sgd)
                        ((BaseLayer) net.getLayer(0).conf().getLayer()).getIUpdater())
                .getLearningRateSchedule();
    }

    private int iterations(ModelVersion v) {
        return StoredModels.load(store(), v.ref().toString())
                .network()
                .getLayerWiseConfigurations()
                .getIterationCount();
    }
}
