package dev.hearth.spark.scoring;

import dev.hearth.runtime.Labels;
import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.data.LabelledData;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The predict job's logic: distributed batch scoring of a dataset with a stored model. Each partition restores the
 * model through model-runtime (as the server does) from a broadcast of the verified model bytes; the runtime
 * applies the stored normaliser. It writes the input label (if any), the predicted label and per-class
 * probabilities, or (regression) the predicted value in the target's own units: {@code prediction}, or
 * {@code prediction_<target>} per target of a multi-target model.
 */
public final class BatchScorer {
    private final SparkSession spark;
    private final ModelStore store;
    private final int batchRows;

    /** A scorer running {@code batchRows} rows per forward pass ({@code predict.batch.rows}). */
    public BatchScorer(SparkSession spark, ModelStore store, int batchRows) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be >= 1 but was " + batchRows);
        }
        this.spark = spark;
        this.store = store;
        this.batchRows = batchRows;
    }

    /** A scorer with {@code predict.batch.rows}' default. */
    public BatchScorer(SparkSession spark, ModelStore store) {
        this(
                spark,
                store,
                Integer.parseInt(TrainSettings.loader().declared().stream()
                        .filter(d -> d.key().equals(TrainSettings.PREDICT_BATCH_ROWS))
                        .findFirst()
                        .orElseThrow()
                        .defaultValue()));
    }

    /**
     * Scores {@code data} with {@code ref} and writes {@code format} ({@code predict.output.format}) to
     * {@code output}; refuses to overwrite an existing output unless {@code overwrite}.
     *
     * @return the number of scored rows
     */
    public long score(
            String ref, DatasetSpec data, String output, TrainSettings.PredictFormat format, boolean overwrite) {
        ModelVersion version = store.resolve(ModelRef.parse(ref));
        Signature sig = version.metadata().signature();
        ShippedModel shipped =
                new ShippedModel(version.ref().toString(), version.metadata().framework(), sig);
        byte[] modelBytes = store.readFile(
                version,
                ModelRuntime.standard(RuntimeOptions.DEFAULTS)
                        .factory(shipped.framework(), shipped.what())
                        .modelFile());
        // Restored and probed once here, so a model that cannot run fails the job before any task starts.
        shipped.openRows(modelBytes).close();
        LabelledData input = new DatasetLoader(spark).read(data);
        if (input.featureCount() != sig.featureCount()) {
            throw new DataFormatException(data.path() + " has " + input.featureCount() + " features but "
                    + version.ref() + " takes " + sig.featureCount());
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bytes = sc.broadcast(modelBytes);
        boolean labelled = !data.labelColumn().isEmpty();
        List<String> labels = List.copyOf(sig.labelNames());
        StructType schema = new StructType();
        if (labelled) {
            schema = schema.add("label", DataTypes.StringType);
        }
        if (sig.isRegression()) {
            for (String t : sig.targets()) {
                schema = schema.add(sig.targets().size() == 1 ? "prediction" : "prediction_" + t, DataTypes.DoubleType);
            }
        } else {
            schema = schema.add("prediction", DataTypes.StringType);
            for (String l : labels) {
                schema = schema.add("probability_" + l, DataTypes.FloatType);
            }
        }
        int batch = batchRows; // a local: the closure must not capture this scorer
        JavaRDD<Row> rows = input.rows().mapPartitions(it -> predict(it, shipped, bytes.value(), labelled, batch));
        sc.setJobDescription("hearth predict " + version.ref() + " on " + data.path());
        try {
            Dataset<Row> df = spark.createDataFrame(rows, schema);
            var writer = df.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
            switch (format) {
                case CSV -> writer.option("header", "true").csv(output);
                case PARQUET -> writer.parquet(output);
            }
            return spark.read()
                    .format(format.word())
                    .option("header", "true")
                    .load(output)
                    .count();
        } finally {
            sc.setJobDescription(null);
            bytes.destroy();
        }
    }

    private static Iterator<Row> predict(
            Iterator<LabelledRow> it, ShippedModel model, byte[] bytes, boolean labelled, int batch) {
        // Guarded again here: these broadcast bytes are what gets restored, by the runtime the server uses.
        List<Row> out = new ArrayList<>();
        try (RowPredictor predictor = model.openRows(bytes)) {
            int width = predictor.inputWidth();
            int k = predictor.outputWidth();
            List<String> labels = model.signature().labelNames();
            List<LabelledRow> pending = new ArrayList<>(batch);
            while (it.hasNext()) {
                pending.add(it.next());
                if (pending.size() == batch || !it.hasNext()) {
                    float[] x = new float[pending.size() * width];
                    for (int r = 0; r < pending.size(); r++) {
                        System.arraycopy(pending.get(r).features(), 0, x, r * width, width);
                    }
                    // Normalised inside; a regression model's values come back in the target's own units.
                    float[] p = predictor.predictRows(x, pending.size());
                    for (int r = 0; r < pending.size(); r++) {
                        List<Object> values = new ArrayList<>();
                        if (labelled) {
                            values.add(pending.get(r).label());
                        }
                        if (labels.isEmpty()) {
                            for (int c = 0; c < k; c++) {
                                values.add((double) p[r * k + c]);
                            }
                        } else {
                            values.add(labels.get(Labels.argmax(p, r, k)));
                            for (int c = 0; c < k; c++) {
                                values.add(p[r * k + c]);
                            }
                        }
                        out.add(RowFactory.create(values.toArray()));
                    }
                    pending.clear();
                }
            }
        }
        return out.iterator();
    }
}
