package dev.hearth.bench;

import dev.hearth.store.NormalizerSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The single-JVM baseline's data path: a labelled CSV (label first, numeric class labels 0..k-1) read into memory,
 * min-max normalised like Hearth does, and cut into shuffled minibatches.
 */
final class LocalCsv {
    final float[][] features;
    final int[] labels;
    final int classes;

    private LocalCsv(float[][] features, int[] labels, int classes) {
        this.features = features;
        this.labels = labels;
        this.classes = classes;
    }

    static LocalCsv read(Path file, int limit) throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null && (limit <= 0 || rows.size() < limit)) {
                String[] cells = line.split(",");
                float[] x = new float[cells.length - 1];
                for (int i = 1; i < cells.length; i++) {
                    x[i - 1] = Float.parseFloat(cells[i]);
                }
                rows.add(x);
                labels.add(Integer.parseInt(cells[0]));
            }
        }
        int classes = labels.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        return new LocalCsv(
                rows.toArray(new float[0][]),
                labels.stream().mapToInt(Integer::intValue).toArray(),
                classes);
    }

    NormalizerSpec minMax() {
        int n = features[0].length;
        double[] min = new double[n];
        double[] max = new double[n];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (float[] row : features) {
            for (int i = 0; i < n; i++) {
                min[i] = Math.min(min[i], row[i]);
                max[i] = Math.max(max[i], row[i]);
            }
        }
        return new NormalizerSpec(NormalizerSpec.MINMAX, min, max, null, null);
    }

    List<DataSet> batches(int batchSize, NormalizerSpec normalizer, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int width = features[0].length;
        List<DataSet> out = new ArrayList<>();
        for (int start = 0; start < order.size(); start += batchSize) {
            int n = Math.min(batchSize, order.size() - start);
            float[] x = new float[n * width];
            float[] y = new float[n * classes];
            for (int r = 0; r < n; r++) {
                int i = order.get(start + r);
                System.arraycopy(features[i], 0, x, r * width, width);
                normalizer.apply(x, r * width, width);
                y[r * classes + labels[i]] = 1f;
            }
            out.add(new DataSet(
                    Nd4j.create(x, new long[] {n, width}, DataType.FLOAT),
                    Nd4j.create(y, new long[] {n, classes}, DataType.FLOAT)));
        }
        return out;
    }

    /** Writes the rows as a CSV with a header ({@code label,p0,...}), the format Hearth's job reads. */
    void writeCsv(Path file) throws IOException {
        try (var w = Files.newBufferedWriter(file)) {
            StringBuilder header = new StringBuilder("label");
            for (int i = 0; i < features[0].length; i++) {
                header.append(",p").append(i);
            }
            w.write(header.append('\n').toString());
            for (int r = 0; r < labels.length; r++) {
                StringBuilder line = new StringBuilder().append(labels[r]);
                for (float v : features[r]) {
                    line.append(',').append((int) v == v ? Integer.toString((int) v) : Float.toString(v));
                }
                w.write(line.append('\n').toString());
            }
        }
    }
}
