package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts rows into normalised FP32 minibatches ({@code RDD<DataSet>}) partition by partition, so no per-example
 * {@code DataSet} objects are created or shuffled across the network. Rows are shuffled within each partition first
 * (seeded), because input files are often sorted by label or time and single-class minibatches wreck training.
 */
public final class MiniBatcher {
    private MiniBatcher() {}

    /** Minibatches of at most {@code batchSize} rows. */
    public static JavaRDD<DataSet> batches(JavaRDD<LabelledRow> rows, int batchSize, LabelEncoding encoding,
            NormalizerSpec normalizer, int features, long seed) {
        return rows.mapPartitionsWithIndex((partition, it) -> {
            List<LabelledRow> buffer = new ArrayList<>();
            it.forEachRemaining(buffer::add);
            Collections.shuffle(buffer, new Random(seed * 31 + partition));
            return batch(buffer.iterator(), batchSize, encoding, normalizer, features);
        }, true);
    }

    private static Iterator<DataSet> batch(Iterator<LabelledRow> it, int batchSize, LabelEncoding encoding,
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
