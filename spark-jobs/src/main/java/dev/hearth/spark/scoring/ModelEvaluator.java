package dev.hearth.spark.scoring;

import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.spark.data.LabelledData;
import dev.hearth.spark.data.MiniBatcher;
import dev.hearth.spark.retrain.ChampionChallengerEvaluator;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.StoredModels;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The evaluate job's logic: metrics of a stored model on a labelled dataset, in one distributed pass. A regression
 * model's metrics are in the target's own units (its stored target normaliser is undone).
 */
public final class ModelEvaluator {
    private final SparkSession spark;
    private final ModelStore store;
    private final TrainingEngine engine;

    public ModelEvaluator(SparkSession spark, ModelStore store, TrainingEngine engine) {
        this.spark = spark;
        this.store = store;
        this.engine = engine;
    }

    /** Evaluates {@code ref} on {@code data}; labels unseen in training fail with the label named. */
    public EvaluationReport evaluate(String ref, DatasetSpec data, int batchSize) {
        if (data.labelColumn().isEmpty()) {
            throw new dev.hearth.config.SettingsException(
                    "data.label.column is required to evaluate (labels are compared" + " with predictions)");
        }
        ModelVersion version = store.resolve(ModelRef.parse(ref));
        if (!ModelFiles.DL4J_MULTILAYER.equals(version.metadata().framework())) {
            return evaluateOnPredictor(version, data, batchSize);
        }
        StoredModels.Loaded model = StoredModels.load(store, version.ref().toString());
        Signature sig = model.version().metadata().signature();
        LabelledData input = new DatasetLoader(spark).read(data);
        if (input.featureCount() != sig.featureCount()) {
            throw new DataFormatException(data.path() + " has " + input.featureCount() + " features but "
                    + model.version().ref() + " takes " + sig.featureCount());
        }
        LabelEncoding encoding = sig.isRegression()
                ? LabelEncoding.regression(sig.targetNormalizer())
                : LabelEncoding.classes(sig.labelNames());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<DataSet> batches = MiniBatcher.batches(
                        input.rows(), batchSize, encoding, sig.normalizer(), sig.featureCount())
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        sc.setJobDescription("hearth evaluate " + model.version().ref() + " on " + data.path());
        TrainingOptions options = TrainingOptions.forEvaluation(batchSize);
        try (TrainingEngine.Session session = engine.open(sc, model.network(), options)) {
            return encoding.isRegression()
                    ? session.evaluateRegression(batches, input.rows().count()).inOriginalUnits(encoding.target())
                    : session.evaluate(batches, encoding.labels());
        } finally {
            batches.unpersist();
            sc.setJobDescription(null);
        }
    }

    /**
     * Metrics of {@code version} run by model-runtime's predictor, as the server runs it, scored in one distributed
     * pass by the retrain gate's {@link ChampionChallengerEvaluator}: the path for frameworks without a DL4J network
     * for DL4J's distributed evaluation (classification, or regression with one target). DL4J versions keep that
     * evaluation, whose metrics the training job stored; {@code ScoringTest} checks both give the same confusion.
     */
    EvaluationReport evaluateOnPredictor(ModelVersion version, DatasetSpec data, int batchSize) {
        Signature sig = version.metadata().signature();
        String framework = version.metadata().framework();
        String what = version.ref().toString();
        byte[] bytes = store.readFile(
                version,
                ModelRuntime.standard(RuntimeOptions.DEFAULTS)
                        .factory(framework, what)
                        .modelFile());
        int features = new DatasetLoader(spark).read(data).featureCount();
        if (features != sig.featureCount()) {
            throw new DataFormatException(
                    data.path() + " has " + features + " features but " + what + " takes " + sig.featureCount());
        }
        return new ChampionChallengerEvaluator(spark)
                .evaluate(
                        data, List.of(ChampionChallengerEvaluator.Candidate.of(what, framework, bytes, sig)), batchSize)
                .get(0);
    }
}
