package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.retrain.Partitions;
import dev.hearth.spark.retrain.RetrainConfig;
import dev.hearth.spark.retrain.RetrainSettings;
import dev.hearth.store.hadoop.HadoopCheckpointStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reproducible, stratified, keyed and leak-free splits on real local[2] Spark with the bundled data sets. */
class SplitsTest {
    private static SparkSession spark;
    private final List<JavaRDD<?>> cached = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("splits-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @AfterEach
    void release() {
        cached.forEach(JavaRDD::unpersist);
        cached.clear();
    }

    private static Path resource(String name) {
        return LocalSpark.testData(name);
    }

    private static Settings settings(String... extra) {
        List<String> s = new ArrayList<>(List.of("model.name=splits", "network.hidden=8", "train.epochs=1"));
        s.addAll(List.of(extra));
        return TrainSettings.loader().load(null, s);
    }

    private Splits split(String... extra) {
        TrainJobConfig cfg =
                TrainJobConfig.of(settings(extra), spark.sparkContext().hadoopConfiguration());
        return Splits.of(new DatasetLoader(spark), cfg, cached);
    }

    private static String text(LabelledRow r) {
        StringBuilder b = new StringBuilder(r.label());
        for (float f : r.features()) {
            b.append(',').append(f);
        }
        return b.toString();
    }

    private static List<String> sorted(JavaRDD<LabelledRow> rows) {
        List<String> out = new ArrayList<>(rows.map(SplitsTest::text).collect());
        Collections.sort(out);
        return out;
    }

    /** The data lines of {@code csv} shuffled by {@code seed} into {@code files} files (each with the header). */
    private Path spread(Path csv, int files, long seed) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        String header = lines.get(0);
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        Collections.shuffle(rows, new Random(seed));
        Path out = Files.createDirectories(dir.resolve("spread-" + files + "-" + seed));
        for (int f = 0; f < files; f++) {
            List<String> part = new ArrayList<>(List.of(header));
            for (int i = f; i < rows.size(); i += files) {
                part.add(rows.get(i));
            }
            Files.write(out.resolve("part-" + f + ".csv"), part);
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameSplitsOnTwoFourAndEightPartitions() throws Exception {
        Path digits = resource("digits-8x8.csv");
        List<List<String>> tests = new ArrayList<>();
        List<SplitFingerprint> fingerprints = new ArrayList<>();
        for (int files : new int[] {2, 4, 8}) {
            // Each layout also has its rows in a different order.
            Splits s = split("data.path=" + spread(digits, files, files), "split.stratify=false");
            assertThat(s.train().getNumPartitions()).isEqualTo(files);
            tests.add(sorted(s.test()));
            fingerprints.add(s.fingerprint());
            assertThat(s.trainCount() + s.validationCount() + s.testCount()).isEqualTo(1797);
            release();
        }
        assertThat(tests.get(1)).isEqualTo(tests.get(0));
        assertThat(tests.get(2)).isEqualTo(tests.get(0));
        assertThat(fingerprints).containsOnly(fingerprints.get(0));
        assertThat(tests.get(0).size()).isBetween(300, 420);

        Splits stratified2 = split("data.path=" + spread(digits, 2, 11));
        List<String> stratifiedTest = sorted(stratified2.test());
        release();
        Splits stratified8 = split("data.path=" + spread(digits, 8, 12));
        assertThat(sorted(stratified8.test())).isEqualTo(stratifiedTest);
        release();

        Splits otherSeed = split("data.path=" + digits, "split.stratify=false", "split.seed=7");
        assertThat(sorted(otherSeed.test())).isNotEqualTo(tests.get(0));
    }

    @Test
    void stratifiedSplitsKeepEachClassShareExactly() throws Exception {
        Splits s = split(
                "data.path=" + resource("digits-8x8.csv"), "split.test.fraction=0.2", "split.validation.fraction=0.1");
        Map<String, Long> all = new TreeMap<>(s.train()
                .union(s.validation())
                .union(s.test())
                .map(LabelledRow::label)
                .countByValue());
        Map<String, Long> test = s.test().map(LabelledRow::label).countByValue();
        Map<String, Long> validation = s.validation().map(LabelledRow::label).countByValue();
        assertThat(all).hasSize(10);
        all.forEach((label, n) -> {
            assertThat(test.get(label)).as("test rows of %s", label).isEqualTo(Math.round(n * 0.2));
            assertThat(validation.get(label))
                    .as("validation rows of %s", label)
                    .isEqualTo(Math.round(n * 0.3) - Math.round(n * 0.2));
        });
    }

    @Test
    void stratifiedCutsAreExactForLargeClassesAndKeepEveryClassInTraining() throws Exception {
        // Two classes above the size that is collected whole (the band search), one of 2 rows and one of 1 row.
        List<String> lines = new ArrayList<>(List.of("a,b,label"));
        Random random = new Random(3);
        for (int i = 0; i < 15_000; i++) {
            lines.add(random.nextGaussian() + "," + random.nextGaussian() + "," + (i < 6_000 ? "small" : "big"));
        }
        lines.add("9,9,pair");
        lines.add("9,8,pair");
        lines.add("7,7,single");
        Path csv = dir.resolve("classes.csv");
        Files.write(csv, lines);
        Splits s = split("data.path=" + csv, "split.test.fraction=0.25", "split.validation.fraction=0.15");
        Map<String, Long> test = s.test().map(LabelledRow::label).countByValue();
        Map<String, Long> validation = s.validation().map(LabelledRow::label).countByValue();
        Map<String, Long> train = s.train().map(LabelledRow::label).countByValue();
        // pair: round(2 × 0.25) = 1 test row; round(2 × 0.4) = 1 held out in all, so none for validation.
        assertThat(test)
                .containsEntry("small", 1500L)
                .containsEntry("big", 2250L)
                .containsEntry("pair", 1L)
                .doesNotContainKey("single");
        assertThat(validation)
                .containsEntry("small", 900L)
                .containsEntry("big", 1350L)
                .doesNotContainKeys("pair", "single");
        assertThat(train)
                .containsEntry("small", 3600L)
                .containsEntry("big", 5400L)
                .containsEntry("pair", 1L)
                .containsEntry("single", 1L);
    }

    @Test
    void rowsSharingASplitKeyStayTogether() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(resource("iris.csv")));
        List<String> keyed = new ArrayList<>(List.of(lines.get(0) + ",user"));
        for (int i = 1; i < lines.size(); i++) {
            keyed.add(lines.get(i) + ",u" + (i % 25));
        }
        Path csv = dir.resolve("iris-users.csv");
        Files.write(csv, keyed);
        Splits s = split(
                "data.path=" + csv,
                "split.key.column=user",
                "split.test.fraction=0.3",
                "data.features=sepal_length,sepal_width,petal_length,petal_width");
        assertThat(s.featureCount()).isEqualTo(4);
        Map<String, String> splitOfUser = new HashMap<>();
        Map<String, JavaRDD<LabelledRow>> parts =
                Map.of("train", s.train(), "validation", s.validation(), "test", s.test());
        parts.forEach((name, rdd) -> rdd.map(LabelledRow::key).collect().forEach(user -> {
            String before = splitOfUser.put(user, name);
            assertThat(before).as("user %s", user).isIn(null, name);
        }));
        assertThat(splitOfUser).hasSize(25);
        assertThat(splitOfUser.values().stream().collect(Collectors.toSet())).contains("train", "test");

        assertThatThrownBy(() -> split("data.path=" + csv, "split.key.column=user", "split.stratify=true"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("split.stratify=true cannot be combined with split.key.column 'user'");
        assertThatThrownBy(() -> split("data.path=" + csv, "split.key.column=label"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("split.key.column 'label' is the label column");
    }

    @Test
    void parquetSplitKeysGroupRowsAndWideValuesAreCheckedForLostDigits() throws Exception {
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("ts", org.apache.spark.sql.types.DataTypes.LongType)
                .add("x", org.apache.spark.sql.types.DataTypes.FloatType)
                .add("session", org.apache.spark.sql.types.DataTypes.IntegerType)
                .add("label", org.apache.spark.sql.types.DataTypes.StringType);
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            rows.add(org.apache.spark.sql.RowFactory.create(
                    1_700_000_001L + 37L * i, 0.1f * i, i % 40, i % 2 == 0 ? "a" : "b"));
        }
        String path = dir.resolve("sessions.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
        TrainJobConfig cfg = TrainJobConfig.of(
                settings("data.path=" + path, "data.format=parquet", "data.features=ts,x", "split.key.column=session"),
                spark.sparkContext().hadoopConfiguration());
        DatasetLoader loader = new DatasetLoader(spark);
        Splits s = Splits.of(loader, cfg, cached);
        Map<String, String> splitOfSession = new HashMap<>();
        Map.of("train", s.train(), "validation", s.validation(), "test", s.test())
                .forEach((name, rdd) -> rdd.map(LabelledRow::key)
                        .collect()
                        .forEach(session -> assertThat(splitOfSession.put(session, name))
                                .as("session %s", session)
                                .isIn(null, name)));
        assertThat(splitOfSession).hasSize(40);
        // ts (a long) loses digits; x is a float column and is not examined.
        assertThat(loader.precisionLoss()).hasSize(1);
        assertThat(loader.precisionLoss().get(0).column()).isEqualTo("ts");
    }

    @Test
    void aClassOnlyInTheTestDataFailsBeforeTraining() throws Exception {
        List<String> lines = Files.readAllLines(resource("iris.csv"));
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        Files.write(train, lines.stream().filter(l -> !l.endsWith(",virginica")).toList());
        List<String> testLines = new ArrayList<>(List.of(lines.get(0)));
        testLines.addAll(
                lines.stream().filter(l -> l.endsWith(",virginica")).limit(3).toList());
        testLines.addAll(
                lines.stream().filter(l -> l.endsWith(",setosa")).limit(5).toList());
        Files.write(test, testLines);
        TrainingEngine mustNotTrain = (sc, network, options) -> {
            throw new AssertionError("training started");
        };
        HadoopModelStore store = HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
        assertThatThrownBy(() -> new TrainingPipeline(spark, store, mustNotTrain)
                        .run(settings("data.path=" + train, "data.test.path=" + test)))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("class 'virginica' (3 rows in data.test.path " + test + ") does not occur in the training "
                        + "split, so the model could never predict it; add training rows of that class or remove them "
                        + "from the held-out data");
    }

    @Test
    void overlappingOrNestedInputsAreRefused() throws Exception {
        Path data = spread(resource("iris.csv"), 3, 1);
        Path other = Files.createDirectories(dir.resolve("held-out"));
        Files.copy(data.resolve("part-0.csv"), other.resolve("test.csv"));
        assertThatThrownBy(() -> split("data.path=" + data, "data.test.path=file:" + data))
                .isInstanceOf(SettingsException.class)
                .hasMessage("data.path " + data + " and data.test.path file:" + data + " overlap (both read file:"
                        + data + "): held-out rows must never be training rows; give them disjoint paths");
        assertThatThrownBy(() -> split("data.path=" + data, "data.validation.path=" + data.resolve("part-1.csv")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(
                        "overlap (file:" + data.resolve("part-1.csv") + " lies inside file:" + data + ")");
        assertThatThrownBy(() ->
                        split("data.path=" + data + "/part-{0,1}.csv", "data.test.path=" + data.resolve("part-1.csv")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("overlap (both read file:" + data.resolve("part-1.csv") + ")");
        assertThatThrownBy(() -> split(
                        "data.path=" + data,
                        "data.validation.path=" + other,
                        "data.test.path=" + other.resolve("test.csv")))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("data.validation.path " + other + " and data.test.path ");
        // Disjoint inputs are fine.
        Splits s = split(
                "data.path=" + data + "/part-1.csv," + data + "/part-2.csv",
                "data.test.path=" + data.resolve("part-0.csv"));
        assertThat(s.testCount()).isEqualTo(50);
    }

    @Test
    void theRetrainEvaluationSetMustNotLieInAnyPartition() throws Exception {
        Path root = dir.resolve("daily");
        Files.createDirectories(root.resolve("dt=2024-01-01"));
        Files.createDirectories(root.resolve("dt=2024-01-02"));
        Files.writeString(root.resolve("dt=2024-01-01/a.csv"), "x,label\n1,a\n");
        Files.writeString(root.resolve("dt=2024-01-02/a.csv"), "x,label\n1,a\n");
        Files.createDirectories(root.resolve("eval"));
        var hadoop = spark.sparkContext().hadoopConfiguration();
        List<Partitions.Partition> all = Partitions.list(root.toString(), hadoop);
        assertThat(all).hasSize(2);
        java.util.function.Function<String, RetrainConfig> config = eval -> RetrainConfig.of(RetrainSettings.loader()
                .load(null, List.of("model.name=m", "retrain.data.root=" + root, "retrain.eval.path=" + eval)));
        Settings train = settings();
        config.apply(root.resolve("eval").toString()).refuseOverlappingInputs(all, train, hadoop);
        assertThatThrownBy(
                        () -> config.apply(root.resolve("dt=2024-01-02/a.csv").toString())
                                .refuseOverlappingInputs(all, train, hadoop))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("retrain.eval.path " + root.resolve("dt=2024-01-02/a.csv")
                        + " and retrain.data.root partition dt=2024-01-02 ")
                .hasMessageContaining("lies inside");
        assertThatThrownBy(() -> config.apply(root.toString()).refuseOverlappingInputs(all, train, hadoop))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("retrain.data.root partition dt=2024-01-01");
        assertThatThrownBy(() -> config.apply(root.resolve("eval").toString())
                        .refuseOverlappingInputs(all, settings("data.test.path=" + root.resolve("eval")), hadoop))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("retrain.eval.path " + root.resolve("eval") + " and data.test.path ");
    }

    @Test
    void resumeRefusesDataWhoseSplitsChanged() throws Exception {
        Path data = dir.resolve("digits.csv");
        Files.copy(resource("digits-8x8.csv"), data);
        HadoopModelStore store = HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
        HadoopCheckpointStore checkpoints = new HadoopCheckpointStore(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
        TrainingEngine real = DefaultEngine.get();
        TrainingEngine crashInSecondEpoch = (sc, network, options) -> {
            TrainingEngine.Session s = real.open(sc, network, options);
            int[] epochs = {0};
            return new DelegatingSession(s) {
                @Override
                public EpochFit fitEpoch(dev.hearth.spark.data.EpochBatches train) {
                    if (++epochs[0] == 2) {
                        throw new IllegalStateException("driver crashed");
                    }
                    return super.fitEpoch(train);
                }
            };
        };
        String[] run = {"data.path=" + data, "train.epochs=3", "train.batch.size.per.worker=64"};
        assertThatThrownBy(() -> new TrainingPipeline(spark, store, checkpoints, crashInSecondEpoch).run(settings(run)))
                .hasMessageContaining("driver crashed");
        assertThat(checkpoints.latest("splits")).isPresent();
        // One changed row: the run must not continue on different splits.
        List<String> lines = new ArrayList<>(Files.readAllLines(data));
        lines.set(5, lines.get(5).replaceFirst("^0,", "1,"));
        Files.write(data, lines);
        assertThatThrownBy(() -> new TrainingPipeline(spark, store, checkpoints, real).run(settings(run), true))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("--resume: the data changed since run ")
                .hasMessageMatching("(?s).*(train|validation|test) split: \\d+ rows \\(digest [0-9a-f]{16}\\) at the "
                        + "checkpoint, now \\d+ rows \\(digest [0-9a-f]{16}\\).*");
        assertThat(store.listVersions("splits")).isEmpty();
    }
}
