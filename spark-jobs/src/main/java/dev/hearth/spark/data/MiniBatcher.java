package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts rows into normalised FP32 minibatches ({@code RDD<DataSet>}) partition by partition, in the rows' order, so
 * no per-example {@code DataSet} objects are created or shuffled across the network. Evaluation batches the rows as
 * they are; training batches come from {@link TrainingBatches}, which shuffles the whole training split first.
 */
public final class MiniBatcher {
    private MiniBatcher() {}

    /** Minibatches of at most {@code batchSize} rows, for evaluation (the order of rows does not matter there). */
    public static JavaRDD<DataSet> batches(JavaRDD<LabelledRow> rows, int batchSize, LabelEncoding encoding,
            NormalizerSpec normalizer, int features) {
        return rows.mapPartitions(it -> batch(it, batchSize, encoding, normalizer, features), true);
    }

    /** Cuts {@code it} into minibatches of {@code batchSize} rows in order; the last one may be smaller. */
    static Iterator<DataSet> batch(Iterator<LabelledRow> it, int batchSize, LabelEncoding encoding,
            NormalizerSpec normalizer, int features) {
        int outputs = encoding.outputs();
        List<DataSet> out = new ArrayList<>();
        float[] x = new float[batchSize * features];
        float[] y = new float[batchSize * outputs];
        int n = 0;
        while (it.hasNext()) {
            LabelledRow row = it.next();
            if (row.features().length != features) {
                throw new DataFormatException("a row has " + row.features().length + " features, expected " + features);
            }
            System.arraycopy(row.features(), 0, x, n * features, features);
            normalizer.apply(x, n * features, features);
            encoding.encode(row.label(), y, n * outputs);
            if (++n == batchSize) {
                out.add(toDataSet(x, y, n, features, outputs));
                x = new float[batchSize * features];
                y = new float[batchSize * outputs];
                n = 0;
            }
        }
        if (n > 0) {
            out.add(toDataSet(Arrays.copyOf(x, n * features), Arrays.copyOf(y, n * outputs), n, features, outputs));
        }
        return out.iterator();
    }

    private static DataSet toDataSet(float[] x, float[] y, int n, int features, int outputs) {
        return new DataSet(
                Nd4j.create(x, new long[] {n, features}, DataType.FLOAT),
                Nd4j.create(y, new long[] {n, outputs}, DataType.FLOAT));
    }
}
