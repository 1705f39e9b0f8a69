package dev.hearth.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The serving ceiling: rows/s of {@code MultiLayerNetwork.output} alone, in-process on one thread (no HTTP, no
 * JSON), at a few batch sizes, after warm-up. It bounds what any HTTP front end can reach with that batch size.
 */
final class ForwardCeiling {
    private final MultiLayerNetwork network;
    private final float[][] rows;
    private final double seconds;

    /** @param rows normalised feature rows to feed (cycled) */
    ForwardCeiling(MultiLayerNetwork network, float[][] rows, double seconds) {
        this.network = network;
        this.rows = rows;
        this.seconds = seconds;
    }

    /** Rows/s per batch size, in the order given. */
    Map<Integer, Double> measure(int... batchSizes) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (int b : batchSizes) {
            INDArray[] inputs = inputs(b, 16);
            run(inputs, seconds / 3); // warm-up
            double rowsPerSecond = run(inputs, seconds) * b;
            out.put(b, rowsPerSecond);
            System.out.printf(Locale.ROOT, "serving ceiling: model.output at batch %d: %.0f rows/s%n", b, rowsPerSecond);
        }
        return out;
    }

    private INDArray[] inputs(int batch, int count) {
        int width = rows[0].length;
        INDArray[] inputs = new INDArray[count];
        for (int k = 0; k < count; k++) {
            float[] x = new float[batch * width];
            for (int r = 0; r < batch; r++) {
                System.arraycopy(rows[(k * batch + r) % rows.length], 0, x, r * width, width);
            }
            inputs[k] = Nd4j.create(x, new long[] {batch, width}, DataType.FLOAT);
        }
        return inputs;
    }

    /** Calls per second of {@code output} over {@code secs}. */
    private double run(INDArray[] inputs, double secs) {
        long end = System.nanoTime() + (long) (secs * 1e9);
        long t0 = System.nanoTime();
        long calls = 0;
        double sink = 0;
        while (System.nanoTime() < end) {
            INDArray out = network.output(inputs[(int) (calls % inputs.length)], false);
            sink += out.getFloat(0);
            calls++;
        }
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("the network produced NaN");
        }
        return calls / ((System.nanoTime() - t0) / 1e9);
    }
}
