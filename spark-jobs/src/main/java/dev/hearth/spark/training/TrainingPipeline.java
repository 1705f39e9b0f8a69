package dev.hearth.spark.training;

import static dev.hearth.spark.training.TrainSettings.*;

import dev.hearth.config.Settings;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.FeatureStatistics;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.spark.data.MiniBatcher;
import dev.hearth.spark.data.TargetStatistics;
import dev.hearth.spark.data.TrainingBatches;
import dev.hearth.spark.network.NetworkBuilder;
import dev.hearth.store.CheckpointStore;
import dev.hearth.store.DatasetFingerprint;
import dev.hearth.store.EvaluationFile;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train job's logic on a given {@link SparkSession}: read, split, fit the normaliser, cut minibatches, train
 * through the {@link TrainingEngine} with validation, early stopping and per-epoch checkpoints, evaluate on the
 * test split and publish with charts and provenance. Nothing is published unless every step succeeded.
 */
public final class TrainingPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingPipeline.class);

    private final SparkSession spark;
    private final ModelStore store;
    private final CheckpointStore checkpoints;
    private final TrainingEngine engine;

    public TrainingPipeline(SparkSession spark, ModelStore store, CheckpointStore checkpoints, TrainingEngine engine) {
        this.spark = spark;
        this.store = store;
        this.checkpoints = checkpoints;
        this.engine = engine;
    }

    /** A pipeline whose checkpoints live in the same store root (Hadoop file system). */
    public TrainingPipeline(SparkSession spark, ModelStore store, TrainingEngine engine) {
        this(
                spark,
                store,
                new dev.hearth.store.hadoop.HadoopCheckpointStore(
                        store.root(), spark.sparkContext().hadoopConfiguration()),
                engine);
    }

    /** Runs a new training run. */
    public TrainingSummary run(Settings s) {
        return run(s, false);
    }

    /** Runs the pipeline; with {@code resume} it continues the model's latest checkpointed run. */
    public TrainingSummary run(Settings s, boolean resume) {
        return run(s, resume, PublishDecorator.NONE);
    }

    /**
     * Runs the pipeline and lets {@code decorator} add tags and provenance computed from the trained network before
     * the version is published. The steps: {@link #start} (configuration, checkpoint to resume, warm start),
     * {@link #prepare} (splits, labels, normaliser, minibatches), {@link #build} (the network), {@link #fit},
     * {@link #evaluate} (test split) and {@link #publish}.
     */
    public TrainingSummary run(Settings s, boolean resume, PublishDecorator decorator) {
        RunStart start = start(s, resume);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        long started = System.nanoTime();
        DatasetLoader loader = new DatasetLoader(spark);
        List<JavaRDD<?>> cached = new ArrayList<>();
        try {
            PreparedData data = prepare(start, loader, cached, sc);
            BuiltNetwork built = build(start, data);
            sc.setLocalProperty(MinibatchSealing.MODEL_PROPERTY, start.modelName());
            try (TrainingEngine.Session session =
                    engine.open(sc, built.network(), start.cfg().options())) {
                TrainingLoop.Result result = fit(start, data, session, sc);
                EvaluationReport report = evaluate(start, data, session, sc);
                Map<String, Object> provenance = provenance(
                        sc,
                        start.cfg(),
                        data.splits(),
                        session.approach(),
                        result,
                        started,
                        data.skipped(),
                        built.parent(),
                        start.run(),
                        start.restored());
                ModelVersion version = publish(
                        start.modelName(),
                        session.network(),
                        start.cfg(),
                        data.splits(),
                        data.encoding(),
                        data.normalizer(),
                        report,
                        result,
                        s.asMap(),
                        provenance,
                        decorator);
                if (start.cfg().checkpoint()) {
                    start.checkpoints().delete(start.modelName(), start.run());
                }
                return new TrainingSummary(
                        version,
                        report.summary(),
                        result.history(),
                        data.splits().trainCount(),
                        report.examples());
            }
        } finally {
            cached.forEach(JavaRDD::unpersist);
            sc.setJobDescription(null);
        }
    }

    /** What {@link #start} settles before any data is read: the configuration and where the run starts from. */
    private record RunStart(
            Settings settings,
            TrainJobConfig cfg,
            ClassBalance balance,
            RunCheckpoints checkpoints,
            RunCheckpoints.Restored restored,
            WarmStart warm,
            String run) {
        String modelName() {
            return cfg.modelName();
        }

        boolean resumed() {
            return restored != null;
        }
    }

    /** What {@link #prepare} produces: the splits, their label encoding and normaliser, and the minibatches. */
    private record PreparedData(
            Splits splits,
            Map<String, Long> classCounts,
            LabelEncoding encoding,
            NormalizerSpec normalizer,
            long skipped,
            TrainingBatches train,
            JavaRDD<DataSet> validation,
            JavaRDD<DataSet> test) {}

    /** What {@link #build} produces: the network to train and the version it was warm-started from (or null). */
    private record BuiltNetwork(MultiLayerNetwork network, String parent) {}

    /** Step 1: typed configuration, the checkpoint to resume (when asked), the warm start and the run's id. */
    private RunStart start(Settings s, boolean resume) {
        TrainJobConfig cfg = TrainJobConfig.of(s, spark.sparkContext().hadoopConfiguration());
        ClassBalance balance = ClassBalance.of(s, cfg.network().isClassification());
        LOG.info(
                "Training {} from {} with settings {}",
                cfg.modelName(),
                cfg.data().path(),
                s.asMap());
        RunCheckpoints runCheckpoints = new RunCheckpoints(checkpoints);
        RunCheckpoints.Restored restored = resume ? runCheckpoints.restore(cfg.modelName(), s.asMap()) : null;
        WarmStart warm = WarmStart.of(store, s, restored != null);
        String run = restored != null
                ? restored.state().run()
                : "run-" + Instant.now().toEpochMilli() + "-"
                        + UUID.randomUUID().toString().substring(0, 8);
        return new RunStart(s, cfg, balance, runCheckpoints, restored, warm, run);
    }

    /** Step 2: read and split the data, settle labels and normaliser, cut the minibatches. */
    private PreparedData prepare(RunStart start, DatasetLoader loader, List<JavaRDD<?>> cached, JavaSparkContext sc) {
        TrainJobConfig cfg = start.cfg();
        Splits splits = Splits.of(loader, cfg, cached);
        if (start.resumed()) {
            start.checkpoints().verifySplit(start.restored(), splits.fingerprint());
        }
        sc.setJobDescription("hearth train " + cfg.modelName() + ": labels");
        Map<String, Long> classCounts =
                cfg.network().isClassification() ? ClassBalance.count(splits.train()) : Map.of();
        LabelEncoding encoding = encoding(start, splits, classCounts, sc);
        sc.setJobDescription("hearth train " + cfg.modelName() + ": fit " + cfg.normalizer() + " normaliser");
        FeatureStatistics stats = FeatureStatistics.of(splits.train(), splits.featureCount());
        NormalizerSpec normalizer = start.resumed()
                ? start.restored().state().normalizer()
                : start.warm() != null
                        ? start.warm().normalizer(splits.featureNames(), cfg.normalizer())
                        : stats.normalizer(cfg.normalizer());
        // Read only now: the rows are skipped while the statistics above are computed.
        long skipped = loader.skippedRows();
        if (skipped > 0) {
            LOG.warn("Skipped {} malformed rows (data.on.error=skip)", skipped);
        }
        if (!encoding.isRegression()) {
            LOG.info(
                    "{} features, {} classes {}",
                    splits.featureCount(),
                    encoding.outputs(),
                    encoding.labels().size() <= 20 ? encoding.labels() : encoding.outputs());
            start.balance().report(classCounts, encoding.labels());
        }
        int batch = cfg.options().batchSizePerWorker();
        TrainingBatches train = TrainingBatches.of(
                splits.train(),
                splits.trainCount(),
                batch,
                encoding,
                normalizer,
                splits.featureCount(),
                cfg.options().workers(sc),
                cfg.options().averagingFrequency(),
                cfg.seed());
        JavaRDD<DataSet> validation = splits.validation() == null
                ? null
                : keep(
                        cached,
                        MiniBatcher.batches(splits.validation(), batch, encoding, normalizer, splits.featureCount()));
        JavaRDD<DataSet> test =
                keep(cached, MiniBatcher.batches(splits.test(), batch, encoding, normalizer, splits.featureCount()));
        return new PreparedData(splits, classCounts, encoding, normalizer, skipped, train, validation, test);
    }

    /** The label encoding: a resumed run keeps its checkpoint's, a warm start its start model's, else a new one. */
    private LabelEncoding encoding(RunStart start, Splits splits, Map<String, Long> classCounts, JavaSparkContext sc) {
        boolean classification = start.cfg().network().isClassification();
        if (start.resumed()) {
            List<String> labels = start.restored().state().labels();
            return labels.isEmpty()
                    ? LabelEncoding.regression(restoredTarget(start.restored()))
                    : LabelEncoding.classes(labels);
        }
        if (start.warm() != null) {
            return start.warm()
                    .encoding(
                            classification,
                            classCounts.keySet(),
                            start.cfg().data().path());
        }
        return classification
                ? LabelEncoding.classes(LabelEncoding.sorted(new ArrayList<>(classCounts.keySet())))
                : LabelEncoding.regression(targetNormalizer(start.settings(), start.cfg(), splits, sc));
    }

    /** Step 3: the network, restored from the checkpoint, or new (and initialised from the warm start's). */
    private static BuiltNetwork build(RunStart start, PreparedData data) {
        if (start.resumed()) {
            LOG.info(
                    "Resuming run {} after epoch {}",
                    start.run(),
                    start.restored().state().epoch());
            return new BuiltNetwork(start.restored().network(), null);
        }
        LabelEncoding encoding = data.encoding();
        MultiLayerConfiguration conf = NetworkBuilder.build(
                start.cfg().network(),
                data.splits().featureCount(),
                encoding.outputs(),
                start.balance().weights(encoding.labels(), data.classCounts()));
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        String parent = null;
        if (start.warm() != null) {
            start.warm().initialise(network);
            parent = start.warm().parent();
            LOG.info("Warm start from {}", parent);
        }
        return new BuiltNetwork(network, parent);
    }

    /** Step 4: the epochs, with validation, early stopping and a checkpoint after each epoch when enabled. */
    private static TrainingLoop.Result fit(
            RunStart start, PreparedData data, TrainingEngine.Session session, JavaSparkContext sc) {
        String modelName = start.modelName();
        LabelEncoding encoding = data.encoding();
        Splits splits = data.splits();
        JavaRDD<DataSet> validation = data.validation();
        String name = encoding.isRegression() ? "mse" : "accuracy";
        DoubleSupplier validate = validation == null
                ? null
                : () -> {
                    sc.setJobDescription("hearth train " + modelName + ": validation " + name);
                    return encoding.isRegression()
                            ? session.evaluateRegression(validation, splits.validationCount())
                                    .inOriginalUnits(encoding.target())
                                    .primary()
                            : session.evaluate(validation, encoding.labels()).primary();
                };
        TrainingLoop.EpochListener listener = !start.cfg().checkpoint()
                ? (e, h, b, best) -> {}
                : (e, h, b, best) -> start.checkpoints()
                        .save(
                                modelName,
                                new TrainingState(
                                        start.run(),
                                        e,
                                        h,
                                        b,
                                        encoding.labels(),
                                        data.normalizer(),
                                        start.settings().asMap(),
                                        splits.fingerprint(),
                                        encoding.target()),
                                session.network(),
                                best);
        RunCheckpoints.Restored restored = start.restored();
        return new TrainingLoop(sc, modelName)
                .run(
                        session,
                        data.train(),
                        start.cfg().epochs(),
                        start.cfg().patience(),
                        validate,
                        !encoding.isRegression(),
                        restored == null ? List.of() : restored.state().history(),
                        restored == null ? 0 : restored.state().bestEpoch(),
                        restored == null ? null : restored.best(),
                        listener);
    }

    /** Step 5: metrics of the trained network on the test split. */
    private static EvaluationReport evaluate(
            RunStart start, PreparedData data, TrainingEngine.Session session, JavaSparkContext sc) {
        sc.setJobDescription("hearth train " + start.modelName() + ": test evaluation");
        LabelEncoding encoding = data.encoding();
        EvaluationReport report = encoding.isRegression()
                ? session.evaluateRegression(data.test(), data.splits().testCount())
                        .inOriginalUnits(encoding.target())
                : session.evaluate(data.test(), encoding.labels());
        LOG.info("Test split: {} examples, {}", report.examples(), report.summary());
        return report;
    }

    private static <T> JavaRDD<T> keep(List<JavaRDD<?>> cached, JavaRDD<T> rdd) {
        rdd.persist(StorageLevel.MEMORY_AND_DISK_SER());
        cached.add(rdd);
        return rdd;
    }

    /** Step 6: the version with its files, signature, evaluation, charts and provenance. */
    private ModelVersion publish(
            String name,
            MultiLayerNetwork network,
            TrainJobConfig cfg,
            Splits splits,
            LabelEncoding encoding,
            NormalizerSpec normalizer,
            EvaluationReport report,
            TrainingLoop.Result result,
            Map<String, String> settings,
            Map<String, Object> provenance,
            PublishDecorator decorator) {
        Signature signature = encoding.isRegression()
                ? Signature.regression(
                        "input",
                        splits.featureCount(),
                        splits.featureNames(),
                        normalizer,
                        List.of(targetName(cfg.data())),
                        encoding.target())
                : new Signature(
                        "input", "FP32", splits.featureCount(), splits.featureNames(), encoding.labels(), normalizer);
        byte[] evaluationJson = EvaluationFile.of(
                        report.examples(),
                        report.metrics(),
                        report.labels(),
                        report.zeroSupportClasses(),
                        report.confusion(),
                        result.history(),
                        result.bestEpoch())
                .toJson();
        byte[] modelZip;
        try {
            java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
            ModelSerializer.writeModel(network, zip, false);
            modelZip = zip.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot serialise the network of " + name, e);
        }
        PublishDecorator.Decoration extra = decorator.decorate(network, modelZip, signature, report);
        provenance.putAll(extra.provenance());
        Map<String, ModelDraft.FileWriter> files = new LinkedHashMap<>();
        files.put(ModelFiles.MODEL_FILE, out -> out.write(modelZip));
        files.put(EvaluationFile.FILE, out -> out.write(evaluationJson));
        files.put(
                "learning-curve.png",
                out -> out.write(Charts.learningCurve(result.history(), encoding.isRegression() ? "mse" : "accuracy")));
        if (!encoding.isRegression()) {
            files.put(
                    "confusion-matrix.png",
                    out -> out.write(Charts.confusionMatrix(report.confusion(), report.labels())));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("head", cfg.network().head().word());
        tags.putAll(extra.tags());
        return store.publish(
                name,
                new ModelDraft(
                        ModelFiles.DL4J_MULTILAYER, signature, report.summary(), settings, provenance, tags, files));
    }

    /** The checkpoint's regression target normaliser (none for checkpoints older than target scaling). */
    private static NormalizerSpec restoredTarget(RunCheckpoints.Restored restored) {
        NormalizerSpec kept = restored.state().targetNormalizer();
        return kept == null ? NormalizerSpec.none() : kept;
    }

    /**
     * A fresh start's regression target normaliser: {@code network.target.normalizer} fitted on the training split
     * only. (A resumed run keeps the checkpoint's, a warm start the start model's: see {@link WarmStart}.)
     */
    private NormalizerSpec targetNormalizer(Settings s, TrainJobConfig cfg, Splits splits, JavaSparkContext sc) {
        String kind = TrainJobConfig.targetNormalizer(s);
        if (NormalizerSpec.NONE.equals(kind)) {
            return NormalizerSpec.none();
        }
        sc.setJobDescription("hearth train " + cfg.modelName() + ": fit " + kind + " target normaliser");
        TargetStatistics stats = TargetStatistics.of(splits.train());
        String target = targetName(cfg.data());
        LOG.info(
                "Target {}: mean {}, std {} over {} training rows; trained as ({} - mean) / std",
                target,
                stats.mean(),
                stats.std(),
                stats.count(),
                target);
        return stats.normalizer(kind);
    }

    /**
     * The regression output's name: the label column's when it is a usable name, else {@value Signature#VALUE}
     * (a column index, LibSVM, or {@code label}, which would read like the classifier's output).
     */
    static String targetName(dev.hearth.spark.data.DatasetSpec data) {
        String column = data.labelColumn();
        boolean usable = !"libsvm".equals(data.format())
                && column != null
                && column.matches("[A-Za-z_][A-Za-z0-9_.-]{0,127}")
                && !column.equals("label")
                && !column.equals("probabilities");
        return usable ? column : Signature.VALUE;
    }

    private static Map<String, Object> provenance(
            JavaSparkContext sc,
            TrainJobConfig cfg,
            Splits splits,
            String approach,
            TrainingLoop.Result result,
            long started,
            long skipped,
            String parent,
            String run,
            RunCheckpoints.Restored restored) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", cfg.data().path());
        p.put("datasetFormat", cfg.data().format());
        // A glob or a list of paths has no single fingerprint; its caller records one per input (see retrain).
        if (!isPattern(cfg.data().path())) {
            p.putAll(DatasetFingerprint.of(
                            new org.apache.hadoop.fs.Path(cfg.data().path()), sc.hadoopConfiguration())
                    .toProvenance());
        }
        p.put("trainExamples", splits.trainCount());
        p.put("validationExamples", splits.validationCount());
        p.put("testExamples", splits.testCount());
        p.put("split", splits.fingerprint());
        p.put("skippedRows", skipped);
        p.put("sparkAppId", sc.sc().applicationId());
        p.put("sparkMaster", sc.master());
        p.put("sparkVersion", sc.version());
        p.put("dl4jVersion", versionOf(MultiLayerNetwork.class));
        p.put("javaVersion", System.getProperty("java.version"));
        p.put("engine", "hearth".equals(approach) ? "hearth" : "dl4j-parameter-averaging");
        p.put("trainingApproach", approach);
        p.put("epochs", result.history().size());
        p.put("bestEpoch", result.bestEpoch());
        p.put("stoppedEarly", result.stoppedEarly());
        if (result.stopReason() != null) {
            p.put("stopReason", result.stopReason());
        }
        p.put(
                "epochSeconds",
                result.history().stream().map(EpochResult::seconds).toList());
        p.put("wallSeconds", (System.nanoTime() - started) / 1e9);
        p.put("run", run);
        if (restored != null) {
            p.put("resumedAfterEpoch", restored.state().epoch());
        }
        if (parent != null) {
            p.put("parentVersion", parent);
        }
        String git = System.getenv("HEARTH_GIT_COMMIT");
        if (git != null && !git.isBlank()) {
            p.put("gitCommit", git);
        }
        return p;
    }

    private static boolean isPattern(String path) {
        return path.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{' || c == ',');
    }

    private static String versionOf(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
