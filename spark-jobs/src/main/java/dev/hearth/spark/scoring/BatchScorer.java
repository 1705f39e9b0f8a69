package dev.hearth.spark.scoring;

import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.data.LabelledData;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.training.StoredModels;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.NormalizerSpec;
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
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The predict job's logic: distributed batch scoring of a dataset with a stored model. Each executor restores the
 * network once per partition from a broadcast of the verified model bytes, applies the stored normaliser and
 * writes the input label (if any), the predicted label and per-class probabilities, or (regression) the predicted
 * value in the target's own units: {@code prediction}, or {@code prediction_<target>} per target of a multi-target
 * model.
 */
public final class BatchScorer {
    private final SparkSession spark;
    private final ModelStore store;

    public BatchScorer(SparkSession spark, ModelStore store) {
        this.spark = spark;
        this.store = store;
    }

    /**
     * Scores {@code data} with {@code ref} and writes {@code format} ({@code parquet} or {@code csv}) to
     * {@code output}; refuses to overwrite an existing output unless {@code overwrite}.
     *
     * @return the number of scored rows
     */
    public long score(String ref, DatasetSpec data, String output, String format, boolean overwrite) {
        StoredModels.Loaded model = StoredModels.load(store, ref);
        Signature sig = model.version().metadata().signature();
        LabelledData input = new DatasetLoader(spark).read(data);
        if (input.featureCount() != sig.featureCount()) {
            throw new DataFormatException(data.path() + " has " + input.featureCount() + " features but "
                    + model.version().ref() + " takes " + sig.featureCount());
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> bytes = sc.broadcast(store.readFile(model.version(), ModelFiles.MODEL_FILE));
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
        NormalizerSpec normalizer = sig.normalizer();
        NormalizerSpec target = sig.targetNormalizer();
        int width = sig.featureCount();
        String what = model.version().ref().toString();
        JavaRDD<Row> rows = input.rows().mapPartitions(it -> predict(it, bytes.value(), what, normalizer, target, width,
                labels, labelled));
        sc.setJobDescription("hearth predict " + model.version().ref() + " on " + data.path());
        try {
            Dataset<Row> df = spark.createDataFrame(rows, schema);
            var writer = df.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
            if (format.equals("csv")) {
                writer.option("header", "true").csv(output);
            } else {
                writer.parquet(output);
            }
            return spark.read().format(format).option("header", "true").load(output).count();
        } finally {
            sc.setJobDescription(null);
            bytes.destroy();
        }
    }

    private static Iterator<Row> predict(Iterator<LabelledRow> it, byte[] model, String what, NormalizerSpec normalizer,
            NormalizerSpec target, int width, List<String> labels, boolean labelled) {
        // Guarded again here: these broadcast bytes (a second read of the file) are what gets restored.
        MultiLayerNetwork network = StoredModels.restore(model, what);
        int batch = 256;
        List<Row> out = new ArrayList<>();
        List<LabelledRow> pending = new ArrayList<>(batch);
        while (it.hasNext()) {
            pending.add(it.next());
            if (pending.size() == batch || !it.hasNext()) {
                float[] x = new float[pending.size() * width];
                for (int r = 0; r < pending.size(); r++) {
                    System.arraycopy(pending.get(r).features(), 0, x, r * width, width);
                    normalizer.apply(x, r * width, width);
                }
                float[] p = network.output(Nd4j.create(x, new long[] {pending.size(), width}, DataType.FLOAT), false)
                        .castTo(DataType.FLOAT).data().asFloat();
                int k = p.length / pending.size();
                for (int r = 0; r < pending.size(); r++) {
                    List<Object> values = new ArrayList<>();
                    if (labelled) {
                        values.add(pending.get(r).label());
                    }
                    if (labels.isEmpty()) {
                        // Back to the target's own units.
                        target.invert(p, r * k, k);
                        for (int c = 0; c < k; c++) {
                            values.add((double) p[r * k + c]);
                        }
                    } else {
                        int best = 0;
                        for (int c = 1; c < k; c++) {
                            if (p[r * k + c] > p[r * k + best]) {
                                best = c;
                            }
                        }
                        values.add(labels.get(best));
                        for (int c = 0; c < k; c++) {
                            values.add(p[r * k + c]);
                        }
                    }
                    out.add(RowFactory.create(values.toArray()));
                }
                pending.clear();
            }
        }
        return out.iterator();
    }
}
