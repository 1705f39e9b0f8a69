package dev.hearth.spark.scoring;

import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.spark.data.LabelledData;
import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.MiniBatcher;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.StoredModels;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import dev.hearth.store.ModelStore;
import dev.hearth.store.Signature;
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
            throw new dev.hearth.config.SettingsException("data.label.column is required to evaluate (labels are compared"
                    + " with predictions)");
        }
        StoredModels.Loaded model = StoredModels.load(store, ref);
        Signature sig = model.version().metadata().signature();
        LabelledData input = new DatasetLoader(spark).read(data);
        if (input.featureCount() != sig.featureCount()) {
            throw new DataFormatException(data.path() + " has " + input.featureCount() + " features but "
                    + model.version().ref() + " takes " + sig.featureCount());
        }
        LabelEncoding encoding = sig.isRegression()
                ? LabelEncoding.regression(sig.targetNormalizer()) : LabelEncoding.classes(sig.labelNames());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<DataSet> batches = MiniBatcher.batches(input.rows(), batchSize, encoding, sig.normalizer(),
                sig.featureCount()).persist(StorageLevel.MEMORY_AND_DISK_SER());
        sc.setJobDescription("hearth evaluate " + model.version().ref() + " on " + data.path());
        TrainingOptions options = new TrainingOptions(0, batchSize, 1, 0, "direct", "", 0, false);
        try (TrainingEngine.Session session = engine.open(sc, model.network(), options)) {
            return encoding.isRegression()
                    ? session.evaluateRegression(batches, input.rows().count()).inOriginalUnits(encoding.target())
                    : session.evaluate(batches, encoding.labels());
        } finally {
            batches.unpersist();
            sc.setJobDescription(null);
        }
    }
}
