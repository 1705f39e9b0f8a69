package dev.hearth.spark.training;

import static dev.hearth.spark.training.TrainSettings.*;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.data.CsvDatasetReader;
import dev.hearth.spark.data.CsvSchema;
import dev.hearth.spark.data.FeatureStatistics;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.data.MiniBatcher;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train job's logic on a given {@link SparkSession}: read labelled CSV, split, fit the normaliser, cut
 * minibatches, train through the {@link TrainingEngine}, evaluate on the held-out split and publish. Nothing is
 * published unless every step succeeded.
 */
public final class TrainingPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingPipeline.class);

    private final SparkSession spark;
    private final ModelStore store;
    private final TrainingEngine engine;

    public TrainingPipeline(SparkSession spark, ModelStore store, TrainingEngine engine) {
        this.spark = spark;
        this.store = store;
        this.engine = engine;
    }

    /** Runs the whole pipeline with resolved settings. */
    public TrainingSummary run(Settings s) {
        String modelName = ModelNames.validate(MODEL_NAME, s.require(MODEL_NAME));
        String path = s.require(DATA_PATH);
        s.getChoice(DATA_FORMAT, List.of("csv"));
        TrainingOptions options = new TrainingOptions(
                s.getInt(TRAIN_EPOCHS, 1),
                s.getInt(TRAIN_BATCH_SIZE, 1),
                s.getInt(TRAIN_AVERAGING_FREQUENCY, 1),
                s.getInt(TRAIN_PREFETCH, 0),
                s.getChoice(TRAIN_APPROACH, List.of("auto", "export", "direct")),
                s.get(TRAIN_EXPORT_DIR));
        double testFraction = s.getDouble(SPLIT_TEST_FRACTION, 0.01, 0.99);
        String normalizerKind = s.getChoice(NORMALIZER,
                List.of(NormalizerSpec.NONE, NormalizerSpec.MINMAX, NormalizerSpec.STANDARDIZE));
        String delimiter = s.get(DATA_DELIMITER);
        if (delimiter.length() != 1) {
            throw new SettingsException(DATA_DELIMITER + " must be one character but was '" + delimiter + "'");
        }
        LOG.info("Training {} from {} with settings {}", modelName, path, s.asMap());

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        long started = System.nanoTime();
        sc.setJobDescription("hearth train: read " + path);
        CsvDatasetReader reader = new CsvDatasetReader(sc);
        CsvSchema schema = reader.schema(path, s.get(DATA_LABEL_COLUMN), s.getBoolean(DATA_HEADER), delimiter.charAt(0));
        JavaRDD<LabelledRow> rows = reader.read(path, schema).persist(StorageLevel.MEMORY_AND_DISK_SER());
        List<JavaRDD<DataSet>> cached = new ArrayList<>();
        try {
            List<String> labels = sortedLabels(rows.map(LabelledRow::label).distinct().collect());
            LOG.info("{} features, {} classes {}", schema.featureCount(), labels.size(), labels);
            long seed = s.getLong(SPLIT_SEED);
            JavaRDD<LabelledRow>[] split = rows.randomSplit(new double[] {1 - testFraction, testFraction}, seed);
            sc.setJobDescription("hearth train: fit " + normalizerKind + " normaliser");
            FeatureStatistics stats = FeatureStatistics.of(split[0], schema.featureCount());
            NormalizerSpec normalizer = stats.normalizer(normalizerKind);
            int batch = options.batchSizePerWorker();
            JavaRDD<DataSet> train = MiniBatcher.batches(split[0], batch, labels, normalizer, schema.featureCount(), seed);
            JavaRDD<DataSet> test = MiniBatcher.batches(split[1], batch, labels, normalizer, schema.featureCount(), seed)
                    .persist(StorageLevel.MEMORY_AND_DISK_SER());
            cached.add(test);

            MultiLayerConfiguration conf = NetworkFactory.classifier(s, schema.featureCount(), labels.size());
            TrainingEngine.Trained trained = engine.fit(sc, conf, train, stats.count(), options);
            Evaluation eval = engine.evaluate(sc, trained.network(), test, labels);
            Map<String, Double> metrics = metrics(eval);
            long testExamples = (long) eval.getNumRowCounter();
            LOG.info("Test split: {} examples, accuracy {}, macro-F1 {}", testExamples, metrics.get("accuracy"),
                    metrics.get("f1"));

            Signature signature = new Signature("input", "FP32", schema.featureCount(), schema.featureNames(), labels,
                    normalizer);
            Map<String, Object> provenance = provenance(sc, path, stats.count(), testExamples, trained, started);
            ModelVersion version = new ModelPublisher(store).publish(
                    modelName, trained.network(), signature, metrics, s.asMap(), provenance);
            return new TrainingSummary(version, metrics, trained.epochs(), stats.count(), testExamples);
        } finally {
            cached.forEach(JavaRDD::unpersist);
            rows.unpersist();
            sc.setJobDescription(null);
        }
    }

    /** Labels in numeric order when all are numbers, else in text order. */
    static List<String> sortedLabels(List<String> labels) {
        List<String> out = new ArrayList<>(labels);
        boolean numeric = out.stream().allMatch(l -> l.matches("-?\\d+(\\.\\d+)?"));
        out.sort(numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
        return out;
    }

    private static Map<String, Double> metrics(Evaluation eval) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", eval.accuracy());
        m.put("f1", eval.f1(org.nd4j.evaluation.EvaluationAveraging.Macro));
        m.put("precision", eval.precision(org.nd4j.evaluation.EvaluationAveraging.Macro));
        m.put("recall", eval.recall(org.nd4j.evaluation.EvaluationAveraging.Macro));
        return m;
    }

    private static Map<String, Object> provenance(JavaSparkContext sc, String path, long trainExamples,
            long testExamples, TrainingEngine.Trained trained, long started) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", path);
        p.put("trainExamples", trainExamples);
        p.put("testExamples", testExamples);
        p.put("sparkAppId", sc.sc().applicationId());
        p.put("sparkMaster", sc.master());
        p.put("sparkVersion", sc.version());
        p.put("dl4jVersion", versionOf(org.deeplearning4j.nn.multilayer.MultiLayerNetwork.class));
        p.put("javaVersion", System.getProperty("java.version"));
        p.put("engine", "dl4j-parameter-averaging");
        p.put("trainingApproach", trained.approach());
        p.put("epochSeconds", trained.epochs().stream().map(EpochResult::seconds).toList());
        p.put("wallSeconds", (System.nanoTime() - started) / 1e9);
        return p;
    }

    private static String versionOf(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
