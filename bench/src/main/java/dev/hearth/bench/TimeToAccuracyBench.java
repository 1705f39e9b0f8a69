package dev.hearth.bench;

import dev.hearth.spark.SparkConfFile;
import dev.hearth.spark.training.EpochResult;
import dev.hearth.spark.training.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.MinMaxScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Time to accuracy against Spark MLlib's {@code MultilayerPerceptronClassifier} with the same hidden layers, data
 * and {@code local[2]}: MLlib trains for a fixed number of L-BFGS iterations; its final test accuracy is the target;
 * Hearth trains epoch by epoch (accuracy on the same test set after every epoch) until it reaches the target. The
 * times are fit times only (data reading and scaling excluded on both sides); Hearth's include the first epoch's
 * export. Hearth's time is epoch-granular, so an upper bound.
 */
final class TimeToAccuracyBench implements Benchmark {
    private final Path root;
    private final BenchData data;
    private final int mllibIterations;
    private final int maxEpochs;
    private final int repeats;
    private final List<String> overrides;

    TimeToAccuracyBench(Path root, BenchData data, int mllibIterations, int maxEpochs, int repeats, List<String> overrides) {
        this.root = root;
        this.data = data;
        this.mllibIterations = mllibIterations;
        this.maxEpochs = maxEpochs;
        this.repeats = repeats;
        this.overrides = overrides;
    }

    @Override
    public String name() {
        return "time-to-accuracy";
    }

    @Override
    public Map<String, Object> run() throws Exception {
        List<Double> mllibSeconds = new ArrayList<>();
        List<Double> mllibAccuracy = new ArrayList<>();
        List<Double> hearthSeconds = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<List<Double>> hearthCurves = new ArrayList<>();
        String blas = "";
        for (int repeat = 1; repeat <= repeats; repeat++) {
            double[] mllib = mllib();
            blas = dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
            mllibSeconds.add(mllib[0]);
            mllibAccuracy.add(mllib[1]);
            System.out.printf(Locale.ROOT, "[time-to-accuracy] repeat %d MLlib (%s): %d iterations in %.1f s, test accuracy %.4f%n",
                    repeat, blas, mllibIterations, mllib[0], mllib[1]);

            // The curve is the official test set's accuracy after each epoch (MLlib's target is its accuracy on the
            // same rows), read as the validation metric. The pipeline refuses one path as both validation and test
            // (in a real run that leaks held-out rows into model selection), so the validation side reads a copy.
            Path curveFile = Files.createTempFile("hearth-bench-test-as-validation-", data.testFile().getFileName()
                    .toString().endsWith(".gz") ? ".csv.gz" : ".csv");
            Files.copy(data.testFile(), curveFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            curveFile.toFile().deleteOnExit();
            List<String> settings = new ArrayList<>(List.of("data.path=" + data.trainFile(),
                    "data.validation.path=" + curveFile, "data.test.path=" + data.testFile(),
                    "network.config=" + root.resolve("conf/networks/mlp-784-256-128-10.yaml"),
                    "train.epochs=" + maxEpochs, "train.batch.size.per.worker=64"));
            settings.addAll(overrides);
            TrainingSummary s = new HearthRun(root).train(settings);
            double elapsed = 0;
            Double reached = null;
            List<Double> curve = new ArrayList<>();
            for (EpochResult r : s.epochs()) {
                elapsed += r.seconds();
                curve.add(r.validation());
                if (reached == null && r.validation() >= mllib[1]) {
                    reached = elapsed;
                }
            }
            hearthCurves.add(curve);
            System.out.printf(Locale.ROOT, "[time-to-accuracy] repeat %d Hearth: test accuracy per epoch %s; reached %.4f after %s s%n",
                    repeat, curve, mllib[1], reached == null ? "(not reached)" : String.format(Locale.ROOT, "%.1f", reached));
            if (reached != null) {
                hearthSeconds.add(reached);
                ratios.add(mllib[0] / reached);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", name());
        result.put("trainRows", data.train().labels.length);
        result.put("mllibLayers", "784,256,128,10");
        result.put("mllibSolver", "l-bfgs, blockSize 128, " + mllibIterations + " iterations");
        result.put("mllibBlas", blas);
        result.put("mllibSeconds", Stats.of(mllibSeconds));
        result.put("mllibTestAccuracy", Stats.of(mllibAccuracy));
        result.put("hearthSettings", overrides);
        result.put("hearthAccuracyPerEpoch", hearthCurves);
        result.put("hearthSecondsToMllibAccuracy", hearthSeconds.isEmpty() ? null : Stats.of(hearthSeconds));
        result.put("hearthReachedTarget", hearthSeconds.size() + " of " + repeats);
        result.put("ratioMllibOverHearth", ratios.isEmpty() ? null : Stats.of(ratios).median());
        return result;
    }

    /** Fits MLlib's MLP; returns {fit seconds, test accuracy}. */
    private double[] mllib() {
        SparkSession spark = SparkSession.builder().config(SparkConfFile.apply(root.resolve("conf/spark-defaults.conf"),
                new SparkConf()).setMaster("local[2]").setAppName("mllib-bench").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")).getOrCreate();
        try {
            Dataset<Row> train = read(spark, data.trainFile());
            Dataset<Row> test = read(spark, data.testFile());
            MinMaxScalerModel scaler = new MinMaxScaler().setInputCol("raw").setOutputCol("features").fit(train);
            train = scaler.transform(train).select("label", "features").repartition(2).persist(StorageLevel.MEMORY_AND_DISK());
            test = scaler.transform(test).select("label", "features").persist(StorageLevel.MEMORY_AND_DISK());
            train.count();
            test.count();
            MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setLayers(new int[] {784, 256, 128, 10})
                    .setBlockSize(128).setMaxIter(mllibIterations).setSolver("l-bfgs").setTol(0).setSeed(1234L);
            long t0 = System.nanoTime();
            MultilayerPerceptronClassificationModel model = mlp.fit(train);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(test));
            return new double[] {seconds, accuracy};
        } finally {
            spark.stop();
        }
    }

    private static Dataset<Row> read(SparkSession spark, Path csv) {
        Dataset<Row> raw = spark.read().option("header", "true").csv(csv.toString());
        String[] columns = raw.columns();
        Column[] doubles = Arrays.stream(columns).map(c -> functions.col(c).cast("double")).toArray(Column[]::new);
        Dataset<Row> numeric = raw.select(doubles);
        return new VectorAssembler().setInputCols(Arrays.copyOfRange(columns, 1, columns.length)).setOutputCol("raw")
                .transform(numeric).withColumnRenamed(columns[0], "label").select("label", "raw");
    }

    @Override
    public String markdown(Map<String, Object> r) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "### Time to accuracy vs Spark MLlib `MultilayerPerceptronClassifier` (%,d rows, `local[2]`)%n%n",
                ((Number) r.get("trainRows")).longValue()));
        md.append("| | fit seconds, median (min-max) | test accuracy |\n|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| MLlib MLP %s, %s, BLAS %s | %s | %s |%n", r.get("mllibLayers"),
                r.get("mllibSolver"), r.get("mllibBlas"), ((Stats) r.get("mllibSeconds")).toString(1),
                ((Stats) r.get("mllibTestAccuracy")).toString(4)));
        Stats hearth = (Stats) r.get("hearthSecondsToMllibAccuracy");
        List<?> settings = (List<?>) r.get("hearthSettings");
        md.append(String.format(Locale.ROOT, "| Hearth `train` to MLlib's accuracy, %s (reached in %s) | %s | per epoch: %s |%n",
                settings.isEmpty() ? "`conf/` defaults" : settings, r.get("hearthReachedTarget"), hearth == null ? "not reached" : hearth.toString(1),
                r.get("hearthAccuracyPerEpoch")));
        md.append(String.format(Locale.ROOT, "| **ratio MLlib / Hearth** | **%s** | |%n%n",
                r.get("ratioMllibOverHearth") == null ? "-" : String.format(Locale.ROOT, "%.1f", (Double) r.get("ratioMllibOverHearth"))));
        return md.toString();
    }
}
