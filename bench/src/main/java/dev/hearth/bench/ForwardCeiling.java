package dev.hearth.bench;

import dev.hearth.runtime.RowPredictor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The serving ceiling: rows/s of {@link RowPredictor#predictRows} alone (normalisation and forward pass, exactly what
 * the server runs per batch), in-process on one thread with no HTTP or JSON, at a few batch sizes, after warm-up.
 * It bounds what any HTTP front end can reach with that batch size.
 */
final class ForwardCeiling {
    private final RowPredictor model;
    private final String label;
    private final float[][] rows;
    private final double seconds;

    /** @param rows raw feature rows to feed (cycled) */
    ForwardCeiling(RowPredictor model, String label, float[][] rows, double seconds) {
        this.model = model;
        this.label = label;
        this.rows = rows;
        this.seconds = seconds;
    }

    /** Rows/s per batch size, in the order given. */
    Map<Integer, Double> measure(int... batchSizes) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (int b : batchSizes) {
            float[][] inputs = inputs(b, 16);
            run(inputs, b, seconds / 3); // warm-up
            double rowsPerSecond = run(inputs, b, seconds) * b;
            out.put(b, rowsPerSecond);
            System.out.printf(Locale.ROOT, "serving ceiling: %s at batch %d: %.0f rows/s%n", label, b, rowsPerSecond);
        }
        return out;
    }

    private float[][] inputs(int batch, int count) {
        int width = rows[0].length;
        float[][] inputs = new float[count][];
        for (int k = 0; k < count; k++) {
            float[] x = new float[batch * width];
            for (int r = 0; r < batch; r++) {
                System.arraycopy(rows[(k * batch + r) % rows.length], 0, x, r * width, width);
            }
            inputs[k] = x;
        }
        return inputs;
    }

    /** Calls per second of {@code predict} over {@code secs}. */
    private double run(float[][] inputs, int batch, double secs) {
        long end = System.nanoTime() + (long) (secs * 1e9);
        long t0 = System.nanoTime();
        long calls = 0;
        double sink = 0;
        while (System.nanoTime() < end) {
            sink += model.predictRows(inputs[(int) (calls % inputs.length)], batch)[0];
            calls++;
        }
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("the network produced NaN");
        }
        return calls / ((System.nanoTime() - t0) / 1e9);
    }
}
