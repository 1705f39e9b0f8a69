package dev.hearth.spark.data;

import dev.hearth.store.NormalizerSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
    public static JavaRDD<DataSet> batches(
            JavaRDD<LabelledRow> rows, int batchSize, LabelEncoding encoding, NormalizerSpec normalizer, int features) {
        return rows.mapPartitions(it -> batch(it, batchSize, encoding, normalizer, features), true);
    }

    /**
     * Cuts {@code it} into minibatches of {@code batchSize} rows in order, lazily (one minibatch in memory at a
     * time); the last one may be smaller.
     */
    static Iterator<DataSet> batch(
            Iterator<LabelledRow> it, int batchSize, LabelEncoding encoding, NormalizerSpec normalizer, int features) {
        int outputs = encoding.outputs();
        float[] x = new float[batchSize * features];
        float[] y = new float[batchSize * outputs];
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public DataSet next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = 0;
                while (n < batchSize && it.hasNext()) {
                    LabelledRow row = it.next();
                    if (row.features().length != features) {
                        throw new DataFormatException(
                                "a row has " + row.features().length + " features, expected " + features);
                    }
                    System.arraycopy(row.features(), 0, x, n * features, features);
                    normalizer.apply(x, n * features, features);
                    Arrays.fill(y, n * outputs, (n + 1) * outputs, 0f);
                    encoding.encode(row.label(), y, n * outputs);
                    n++;
                }
                // The arrays are copied off-heap, so x and y are reused for the next minibatch.
                return new DataSet(matrix(x, n, features), matrix(y, n, outputs));
            }
        };
    }

    /** A float matrix of the first {@code rows x cols} values, copied in bulk (Nd4j.create copies element-wise). */
    private static INDArray matrix(float[] values, int rows, int cols) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
        ByteBuffer target = a.data().asNio().duplicate().order(ByteOrder.nativeOrder());
        target.position(0);
        target.asFloatBuffer().put(values, 0, rows * cols);
        return a;
    }
}
