package dev.hearth.bench;

import dev.hearth.spark.training.EpochResult;
import dev.hearth.spark.training.TrainingSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private final int[] mllibIterations;
    private final int maxEpochs;
    private final int repeats;
    private final List<String> overrides;

    /** MLlib is fitted once per iteration count in {@code mllibIterations}; each count gives its own target. */
    TimeToAccuracyBench(
            Path root, BenchData data, int[] mllibIterations, int maxEpochs, int repeats, List<String> overrides) {
        this.root = root;
        this.data = data;
        this.mllibIterations = mllibIterations.clone();
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
        Map<String, List<String>> engines = engines();
        Tally tally = new Tally();
        for (int repeat = 1; repeat <= repeats; repeat++) {
            Map<Integer, double[]> mllib = mllibRound(repeat, tally);
            // The curve is the official test set's accuracy after each epoch (MLlib's target is its accuracy on the
            // same rows), read as the validation metric.
            Path curveFile = data.testAsValidation();
            for (Map.Entry<String, List<String>> engine : engines.entrySet()) {
                hearthRound(repeat, engine.getKey(), engine.getValue(), curveFile, mllib, tally);
            }
        }
        return result(tally);
    }

    /**
     * Hearth's runs: {@code train.engine=dl4j} then {@code train.engine=hearth} with the settings, or only the
     * settings as given when they already pick an engine.
     */
    private Map<String, List<String>> engines() {
        Map<String, List<String>> engines = new LinkedHashMap<>();
        if (overrides.stream().noneMatch(o -> o.startsWith("train.engine="))) {
            engines.put("hearth", TrainingThroughputBench.withEngine(overrides, "dl4j"));
            engines.put("hearthEngine", TrainingThroughputBench.withEngine(overrides, "hearth"));
        } else {
            engines.put("hearth", overrides);
        }
        return engines;
    }

    /** Every repeat's figures: MLlib's per iteration count, Hearth's per run and target. */
    private static final class Tally {
        final Map<Integer, List<Double>> mllibSeconds = new LinkedHashMap<>();
        final Map<Integer, List<Double>> mllibAccuracy = new LinkedHashMap<>();
        final Map<String, List<Double>> hearthSeconds = new LinkedHashMap<>();
        final Map<String, List<Double>> ratios = new LinkedHashMap<>();
        final Map<String, List<List<Double>>> hearthCurves = new LinkedHashMap<>();
        String blas = "";
    }

    /** MLlib fitted once per iteration count: {iterations: {fit seconds, test accuracy}}. */
    private Map<Integer, double[]> mllibRound(int repeat, Tally tally) {
        Map<Integer, double[]> mllib = new LinkedHashMap<>();
        for (int iterations : mllibIterations) {
            double[] m = mllib(iterations);
            mllib.put(iterations, m);
            tally.blas = dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
            tally.mllibSeconds
                    .computeIfAbsent(iterations, k -> new ArrayList<>())
                    .add(m[0]);
            tally.mllibAccuracy
                    .computeIfAbsent(iterations, k -> new ArrayList<>())
                    .add(m[1]);
            System.out.printf(
                    Locale.ROOT,
                    "[time-to-accuracy] repeat %d MLlib (%s): %d iterations in %.1f s, test accuracy %.4f%n",
                    repeat,
                    tally.blas,
                    iterations,
                    m[0],
                    m[1]);
        }
        return mllib;
    }

    /** One Hearth run to {@code maxEpochs}, and the time it took to reach each MLlib accuracy. */
    private void hearthRound(
            int repeat, String engine, List<String> extra, Path curveFile, Map<Integer, double[]> mllib, Tally tally)
            throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "data.path=" + data.trainFile(),
                "data.validation.path=" + curveFile,
                "data.test.path=" + data.testFile(),
                "network.config=" + root.resolve("conf/networks/mlp-784-256-128-10.yaml"),
                "train.epochs=" + maxEpochs,
                "train.batch.size.per.worker=64"));
        settings.addAll(extra);
        TrainingSummary s = new HearthRun(root).train(settings);
        List<Double> curve = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        double elapsed = 0;
        for (EpochResult r : s.epochs()) {
            elapsed += r.seconds();
            curve.add(r.validation());
            times.add(elapsed);
        }
        tally.hearthCurves.computeIfAbsent(engine, k -> new ArrayList<>()).add(curve);
        for (Map.Entry<Integer, double[]> m : mllib.entrySet()) {
            Double reached = reached(curve, times, m.getValue()[1]);
            String key = engine + "At" + m.getKey();
            System.out.printf(
                    Locale.ROOT,
                    "[time-to-accuracy] repeat %d %s: test accuracy per epoch %s; reached %.4f"
                            + " (MLlib, %d iterations) after %s s%n",
                    repeat,
                    engine,
                    curve,
                    m.getValue()[1],
                    m.getKey(),
                    reached == null ? "(not reached)" : String.format(Locale.ROOT, "%.1f", reached));
            tally.hearthSeconds.computeIfAbsent(key, k -> new ArrayList<>());
            tally.ratios.computeIfAbsent(key, k -> new ArrayList<>());
            if (reached != null) {
                tally.hearthSeconds.get(key).add(reached);
                tally.ratios.get(key).add(m.getValue()[0] / reached);
            }
        }
    }

    /** Seconds to the first epoch at or above {@code target}, or null when none reached it. */
    private static Double reached(List<Double> curve, List<Double> times, double target) {
        for (int i = 0; i < curve.size(); i++) {
            if (curve.get(i) >= target) {
                return times.get(i);
            }
        }
        return null;
    }

    private Map<String, Object> result(Tally tally) throws java.io.IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", name());
        result.put("trainRows", data.train().labels.length);
        result.put("mllibLayers", "784,256,128,10");
        result.put("mllibSolver", "l-bfgs, blockSize 128");
        result.put("mllibIterations", mllibIterations);
        result.put("mllibBlas", tally.blas);
        Map<String, Object> perCount = new LinkedHashMap<>();
        for (int iterations : mllibIterations) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mllibSeconds", Stats.of(tally.mllibSeconds.get(iterations)));
            m.put("mllibTestAccuracy", Stats.of(tally.mllibAccuracy.get(iterations)));
            perCount.put(String.valueOf(iterations), m);
        }
        result.put("mllib", perCount);
        result.put("hearthSettings", overrides);
        result.put("hearthAccuracyPerEpoch", tally.hearthCurves);
        Map<String, Object> reachedSeconds = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : tally.hearthSeconds.entrySet()) {
            reachedSeconds.put(e.getKey(), e.getValue().isEmpty() ? null : Stats.of(e.getValue()));
            reachedSeconds.put(e.getKey() + "Reached", e.getValue().size() + " of " + repeats);
            // ratioMllibOverHearthAt20, ratioMllibOverHearthEngineAt50, ...
            String ratioKey = "ratioMllibOver"
                    + Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1);
            List<Double> ratios = tally.ratios.get(e.getKey());
            result.put(ratioKey, ratios.isEmpty() ? null : Stats.of(ratios).median());
        }
        result.put("hearthSecondsToMllibAccuracy", reachedSeconds);
        return result;
    }

    /** Fits MLlib's MLP; returns {fit seconds, test accuracy}. */
    private double[] mllib(int mllibIterations) {
        SparkSession spark = HearthRun.localSession(root, "mllib-bench");
        try {
            Dataset<Row> train = read(spark, data.trainFile());
            Dataset<Row> test = read(spark, data.testFile());
            MinMaxScalerModel scaler = new MinMaxScaler()
                    .setInputCol("raw")
                    .setOutputCol("features")
                    .fit(train);
            train = scaler.transform(train)
                    .select("label", "features")
                    .repartition(2)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            test = scaler.transform(test).select("label", "features").persist(StorageLevel.MEMORY_AND_DISK());
            train.count();
            test.count();
            MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
                    .setLayers(new int[] {784, 256, 128, 10})
                    .setBlockSize(128)
                    .setMaxIter(mllibIterations)
                    .setSolver("l-bfgs")
                    .setTol(0)
                    .setSeed(1234L);
            long t0 = System.nanoTime();
            MultilayerPerceptronClassificationModel model = mlp.fit(train);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double accuracy = new MulticlassClassificationEvaluator()
                    .setMetricName("accuracy")
                    .evaluate(model.transform(test));
            return new double[] {seconds, accuracy};
        } finally {
            spark.stop();
        }
    }

    private static Dataset<Row> read(SparkSession spark, Path csv) {
        Dataset<Row> raw = spark.read().option("header", "true").csv(csv.toString());
        String[] columns = raw.columns();
        Column[] doubles =
                Arrays.stream(columns).map(c -> functions.col(c).cast("double")).toArray(Column[]::new);
        Dataset<Row> numeric = raw.select(doubles);
        return new VectorAssembler()
                .setInputCols(Arrays.copyOfRange(columns, 1, columns.length))
                .setOutputCol("raw")
                .transform(numeric)
                .withColumnRenamed(columns[0], "label")
                .select("label", "raw");
    }

    @Override
    @SuppressWarnings("unchecked")
    public String markdown(Map<String, Object> r) {
        StringBuilder md = new StringBuilder(String.format(
                Locale.ROOT,
                "### Time to accuracy vs Spark MLlib `MultilayerPerceptronClassifier` (%,d rows, `local[2]`)%n%n",
                ((Number) r.get("trainRows")).longValue()));
        List<?> settings = (List<?>) r.get("hearthSettings");
        boolean bothEngines = settings.stream().noneMatch(o -> String.valueOf(o).startsWith("train.engine="));
        String base = bothEngines
                ? "`train.engine=dl4j`" + (settings.isEmpty() ? "" : " " + settings)
                : settings.isEmpty() ? "`conf/` defaults" : settings.toString();
        md.append("| MLlib L-BFGS iterations | MLlib fit seconds | MLlib test accuracy | Hearth seconds to it, ")
                .append(base)
                .append(
                        " | ratio MLlib / Hearth | `train.engine=hearth` seconds to it | ratio MLlib / engine |\n|---|---|---|---|---|---|---|\n");
        Map<String, Object> mllib = (Map<String, Object>) r.get("mllib");
        Map<String, Object> reached = (Map<String, Object>) r.get("hearthSecondsToMllibAccuracy");
        for (Map.Entry<String, Object> e : mllib.entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | **%s** | %s | **%s** |%n",
                    e.getKey(),
                    ((Stats) m.get("mllibSeconds")).toString(1),
                    ((Stats) m.get("mllibTestAccuracy")).toString(4),
                    seconds(reached, "hearthAt" + e.getKey()),
                    ratio(r.get("ratioMllibOverHearthAt" + e.getKey())),
                    seconds(reached, "hearthEngineAt" + e.getKey()),
                    ratio(r.get("ratioMllibOverHearthEngineAt" + e.getKey()))));
        }
        md.append(String.format(
                Locale.ROOT,
                "%nMLlib BLAS %s, %s. Hearth test accuracy per epoch: %s.%n%n",
                r.get("mllibBlas"),
                r.get("mllibSolver"),
                r.get("hearthAccuracyPerEpoch")));
        return md.toString();
    }

    private static String seconds(Map<String, Object> reached, String key) {
        Object s = reached.get(key);
        return s == null
                ? (reached.containsKey(key) ? "not reached" : "-")
                : ((Stats) s).toString(1) + " (" + reached.get(key + "Reached") + ")";
    }

    private static String ratio(Object r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.1f", ((Number) r).doubleValue());
    }
}
