package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cuts rows into normalised FP32 minibatches ({@code RDD<DataSet>}) with one-hot labels, partition by partition,
 * so no per-example {@code DataSet} objects are ever created or shuffled across the network. Rows are shuffled
 * within each partition first (seeded), because input files are often sorted by label or time and single-class
 * minibatches wreck gradient descent.
 */
public final class MiniBatcher {
    private MiniBatcher() {}

    /**
     * Builds minibatches of at most {@code batchSize} rows.
     *
     * @param labels class names; a row's label must be one of them
     */
    public static JavaRDD<DataSet> batches(
            JavaRDD<LabelledRow> rows, int batchSize, List<String> labels, NormalizerSpec normalizer, int features,
            long seed) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        int classes = labels.size();
        return rows.mapPartitionsWithIndex((partition, it) -> {
            List<LabelledRow> buffer = new ArrayList<>();
            it.forEachRemaining(buffer::add);
            java.util.Collections.shuffle(buffer, new java.util.Random(seed * 31 + partition));
            return batch(buffer.iterator(), batchSize, index, classes, normalizer, features);
        }, true);
    }

    private static Iterator<DataSet> batch(
            Iterator<LabelledRow> it, int batchSize, Map<String, Integer> index, int classes,
            NormalizerSpec normalizer, int features) {
        List<DataSet> out = new ArrayList<>();
        float[] x = new float[batchSize * features];
        float[] y = new float[batchSize * classes];
        int n = 0;
        while (it.hasNext()) {
            LabelledRow row = it.next();
            Integer label = index.get(row.label());
            if (label == null) {
                throw new DataFormatException("label '" + row.label() + "' is not one of the model's labels " + index.keySet());
            }
            System.arraycopy(row.features(), 0, x, n * features, features);
            normalizer.apply(x, n * features, features);
            y[n * classes + label] = 1f;
            if (++n == batchSize) {
                out.add(toDataSet(x, y, n, features, classes));
                x = new float[batchSize * features];
                y = new float[batchSize * classes];
                n = 0;
            }
        }
        if (n > 0) {
            out.add(toDataSet(java.util.Arrays.copyOf(x, n * features), java.util.Arrays.copyOf(y, n * classes),
                    n, features, classes));
        }
        return out.iterator();
    }

    private static DataSet toDataSet(float[] x, float[] y, int n, int features, int classes) {
        return new DataSet(
                Nd4j.create(x, new long[] {n, features}, DataType.FLOAT),
                Nd4j.create(y, new long[] {n, classes}, DataType.FLOAT));
    }
}
