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
import dev.hearth.store.EvaluationFile;
import dev.hearth.store.CheckpointStore;
import dev.hearth.store.DatasetFingerprint;
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
        this(spark, store, new dev.hearth.store.hadoop.HadoopCheckpointStore(store.root(),
                spark.sparkContext().hadoopConfiguration()), engine);
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
     * the version is published.
     */
    public TrainingSummary run(Settings s, boolean resume, PublishDecorator decorator) {
        TrainJobConfig cfg = TrainJobConfig.of(s, spark.sparkContext().hadoopConfiguration());
        String modelName = cfg.modelName();
        ClassBalance balance = ClassBalance.of(s, cfg.network().isClassification());
        LOG.info("Training {} from {} with settings {}", modelName, cfg.data().path(), s.asMap());
        RunCheckpoints runCheckpoints = new RunCheckpoints(checkpoints);
        RunCheckpoints.Restored restored = resume ? runCheckpoints.restore(modelName, s.asMap()) : null;
        WarmStart warm = WarmStart.of(store, s, restored != null);
        String run = restored != null ? restored.state().run()
                : "run-" + Instant.now().toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8);

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        long started = System.nanoTime();
        DatasetLoader loader = new DatasetLoader(spark);
        List<JavaRDD<?>> cached = new ArrayList<>();
        try {
            Splits splits = Splits.of(loader, cfg, cached);
            if (restored != null) {
                runCheckpoints.verifySplit(restored, splits.fingerprint());
            }
            sc.setJobDescription("hearth train " + modelName + ": labels");
            Map<String, Long> classCounts = cfg.network().isClassification() ? ClassBalance.count(splits.train())
                    : Map.of();
            LabelEncoding encoding = restored != null
                    ? (restored.state().labels().isEmpty() ? LabelEncoding.regression(restoredTarget(restored))
                            : LabelEncoding.classes(restored.state().labels()))
                    : warm != null ? warm.encoding(cfg.network().isClassification(), classCounts.keySet(),
                            cfg.data().path())
                    : cfg.network().isClassification()
                            ? LabelEncoding.classes(LabelEncoding.sorted(new ArrayList<>(classCounts.keySet())))
                            : LabelEncoding.regression(targetNormalizer(s, cfg, splits, sc));
            sc.setJobDescription("hearth train " + modelName + ": fit " + cfg.normalizer() + " normaliser");
            FeatureStatistics stats = FeatureStatistics.of(splits.train(), splits.featureCount());
            NormalizerSpec normalizer = restored != null ? restored.state().normalizer()
                    : warm != null ? warm.normalizer(splits.featureNames(), cfg.normalizer())
                    : stats.normalizer(cfg.normalizer());
            long skipped = loader.skippedRows();
            if (skipped > 0) {
                LOG.warn("Skipped {} malformed rows (data.on.error=skip)", skipped);
            }
            if (!encoding.isRegression()) {
                LOG.info("{} features, {} classes {}", splits.featureCount(), encoding.outputs(),
                        encoding.labels().size() <= 20 ? encoding.labels() : encoding.outputs());
                balance.report(classCounts, encoding.labels());
            }
            int batch = cfg.options().batchSizePerWorker();
            long seed = cfg.seed();
            TrainingBatches train = TrainingBatches.of(splits.train(), splits.trainCount(), batch, encoding, normalizer,
                    splits.featureCount(), cfg.options().workers(sc), cfg.options().averagingFrequency(), seed);
            JavaRDD<DataSet> validation = splits.validation() == null ? null : keep(cached,
                    MiniBatcher.batches(splits.validation(), batch, encoding, normalizer, splits.featureCount()));
            JavaRDD<DataSet> test = keep(cached,
                    MiniBatcher.batches(splits.test(), batch, encoding, normalizer, splits.featureCount()));

            MultiLayerNetwork network;
            String parent = null;
            if (restored != null) {
                network = restored.network();
                LOG.info("Resuming run {} after epoch {}", run, restored.state().epoch());
            } else {
                MultiLayerConfiguration conf = NetworkBuilder.build(cfg.network(), splits.featureCount(), encoding.outputs(),
                        balance.weights(encoding.labels(), classCounts));
                network = new MultiLayerNetwork(conf);
                network.init();
                if (warm != null) {
                    warm.initialise(network);
                    parent = warm.parent();
                    LOG.info("Warm start from {}", parent);
                }
            }

            sc.setLocalProperty(MinibatchSealing.MODEL_PROPERTY, modelName);
            try (TrainingEngine.Session session = engine.open(sc, network, cfg.options())) {
                String name = encoding.isRegression() ? "mse" : "accuracy";
                java.util.function.DoubleSupplier validate = validation == null ? null : () -> {
                    sc.setJobDescription("hearth train " + modelName + ": validation " + name);
                    return encoding.isRegression()
                            ? session.evaluateRegression(validation, splits.validationCount())
                                    .inOriginalUnits(encoding.target()).primary()
                            : session.evaluate(validation, encoding.labels()).primary();
                };
                TrainingLoop.EpochListener listener = !cfg.checkpoint() ? (e, h, b, best) -> {} : (e, h, b, best) ->
                        runCheckpoints.save(modelName, new TrainingState(run, e, h, b, encoding.labels(), normalizer,
                                s.asMap(), splits.fingerprint(), encoding.target()), session.network(), best);
                TrainingLoop.Result result = new TrainingLoop(sc, modelName).run(session, train, cfg.epochs(),
                        cfg.patience(), validate, !encoding.isRegression(),
                        restored == null ? List.of() : restored.state().history(),
                        restored == null ? 0 : restored.state().bestEpoch(),
                        restored == null ? null : restored.best(),
                        listener);

                sc.setJobDescription("hearth train " + modelName + ": test evaluation");
                EvaluationReport report = encoding.isRegression()
                        ? session.evaluateRegression(test, splits.testCount()).inOriginalUnits(encoding.target())
                        : session.evaluate(test, encoding.labels());
                LOG.info("Test split: {} examples, {}", report.examples(), report.summary());

                Map<String, Object> provenance = provenance(sc, cfg, splits, session.approach(), result, started,
                        skipped, parent, run, restored);
                ModelVersion version = publish(modelName, session.network(), cfg, splits, encoding, normalizer, report,
                        result, s.asMap(), provenance, decorator);
                if (cfg.checkpoint()) {
                    runCheckpoints.delete(modelName, run);
                }
                return new TrainingSummary(version, report.summary(), result.history(), splits.trainCount(),
                        report.examples());
            }
        } finally {
            cached.forEach(JavaRDD::unpersist);
            sc.setJobDescription(null);
        }
    }

    private static <T> JavaRDD<T> keep(List<JavaRDD<?>> cached, JavaRDD<T> rdd) {
        rdd.persist(StorageLevel.MEMORY_AND_DISK_SER());
        cached.add(rdd);
        return rdd;
    }

    private ModelVersion publish(String name, MultiLayerNetwork network, TrainJobConfig cfg, Splits splits,
            LabelEncoding encoding, NormalizerSpec normalizer, EvaluationReport report, TrainingLoop.Result result,
            Map<String, String> settings, Map<String, Object> provenance, PublishDecorator decorator) {
        Signature signature = encoding.isRegression()
                ? Signature.regression("input", splits.featureCount(), splits.featureNames(), normalizer,
                        List.of(targetName(cfg.data())), encoding.target())
                : new Signature("input", "FP32", splits.featureCount(), splits.featureNames(), encoding.labels(),
                        normalizer);
        byte[] evaluationJson = EvaluationFile.of(report.examples(), report.metrics(), report.labels(),
                report.zeroSupportClasses(), report.confusion(), result.history(), result.bestEpoch()).toJson();
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
        files.put("learning-curve.png", out -> out.write(
                Charts.learningCurve(result.history(), encoding.isRegression() ? "mse" : "accuracy")));
        if (!encoding.isRegression()) {
            files.put("confusion-matrix.png", out -> out.write(Charts.confusionMatrix(report.confusion(), report.labels())));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("head", cfg.network().head());
        tags.putAll(extra.tags());
        return store.publish(name, new ModelDraft(ModelFiles.DL4J_MULTILAYER, signature, report.summary(), settings,
                provenance, tags, files));
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
        LOG.info("Target {}: mean {}, std {} over {} training rows; trained as ({} - mean) / std", target,
                stats.mean(), stats.std(), stats.count(), target);
        return stats.normalizer(kind);
    }

    /**
     * The regression output's name: the label column's when it is a usable name, else {@value Signature#VALUE}
     * (a column index, LibSVM, or {@code label}, which would read like the classifier's output).
     */
    static String targetName(dev.hearth.spark.data.DatasetSpec data) {
        String column = data.labelColumn();
        boolean usable = !"libsvm".equals(data.format()) && column != null
                && column.matches("[A-Za-z_][A-Za-z0-9_.-]{0,127}") && !column.equals("label")
                && !column.equals("probabilities");
        return usable ? column : Signature.VALUE;
    }

    private static Map<String, Object> provenance(JavaSparkContext sc, TrainJobConfig cfg, Splits splits, String approach,
            TrainingLoop.Result result, long started, long skipped, String parent, String run,
            RunCheckpoints.Restored restored) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", cfg.data().path());
        p.put("datasetFormat", cfg.data().format());
        // A glob or a list of paths has no single fingerprint; its caller records one per input (see retrain).
        if (!isPattern(cfg.data().path())) {
            p.putAll(DatasetFingerprint.of(new org.apache.hadoop.fs.Path(cfg.data().path()), sc.hadoopConfiguration())
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
        p.put("epochSeconds", result.history().stream().map(EpochResult::seconds).toList());
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
