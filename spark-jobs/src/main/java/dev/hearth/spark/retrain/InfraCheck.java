package dev.hearth.spark.retrain;

import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.dl4j.Dl4jPredictor;
import dev.hearth.spark.scoring.ShippedModel;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * Checks a challenger the way the server will run it: restore {@code model.zip} through model-runtime with the
 * server's default options (the zip guard, the dense forward pass where it applies, the load-time probe the server
 * runs), check one warm-up inference (finite outputs, probabilities summing to 1 for classifiers), then time
 * single-row inferences on the very call the server's batcher makes ({@link RowPredictor#predictRows}: normaliser,
 * forward pass, target units) and compare their p99 and the off-heap memory the model added
 * ({@link Pointer#totalBytes()}) with the budgets. The server's HTTP and batching overhead is not part of the
 * measurement.
 */
public final class InfraCheck {
    /**
     * @param calls single-row inferences to time
     * @param maxP99Millis latency budget
     * @param maxOffHeapMb off-heap budget, MiB
     */
    public record Budget(int calls, double maxP99Millis, double maxOffHeapMb) {}

    /** Measurements and the failed budgets (empty = passed). */
    public record Result(boolean passed, List<String> failures, Map<String, Object> measurements) {}

    private final Budget budget;

    public InfraCheck(Budget budget) {
        this.budget = budget;
    }

    /** Checks {@code modelZip} with a zero row of the signature's width (normalisation does not change cost). */
    public Result check(byte[] modelZip, Signature signature, String what) {
        List<String> failures = new ArrayList<>();
        Map<String, Object> m = new LinkedHashMap<>();
        long before = Pointer.totalBytes();
        RowPredictor model;
        try {
            model = new ShippedModel(what, ModelFiles.DL4J_MULTILAYER, signature).openRows(modelZip);
        } catch (RuntimeException e) {
            failures.add("does not load with the serving loader: " + e.getMessage());
            return new Result(false, failures, m);
        }
        try (model) {
            measure(model, signature, before, failures, m);
        }
        return new Result(failures.isEmpty(), failures, m);
    }

    private void measure(
            RowPredictor model, Signature signature, long before, List<String> failures, Map<String, Object> m) {
        float[] row = new float[model.inputWidth()];
        float[] out = model.predictRows(row, 1);
        double[] values = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            values[i] = out[i];
        }
        boolean finite = Arrays.stream(values).allMatch(Double::isFinite);
        boolean sumsToOne = signature.labelNames().isEmpty()
                || Math.abs(Arrays.stream(values).sum() - 1.0) < 1e-3;
        m.put("warmupOutputs", values.length);
        if (!finite || !sumsToOne) {
            failures.add("warm-up inference returned " + Arrays.toString(values)
                    + (finite ? " (probabilities do not sum to 1)" : " (not finite)"));
        }
        long[] nanos = new long[budget.calls()];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            model.predictRows(row, 1);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        double p50 = nanos[nanos.length / 2] / 1e6;
        double p99 = nanos[Math.min(nanos.length - 1, (int) Math.ceil(nanos.length * 0.99) - 1)] / 1e6;
        double offHeapMb = Math.max(0, Pointer.totalBytes() - before) / (1024.0 * 1024.0);
        m.put("calls", nanos.length);
        m.put("p50Millis", p50);
        m.put("p99Millis", p99);
        m.put("offHeapMb", offHeapMb);
        m.put("physicalMb", Pointer.physicalBytes() / (1024.0 * 1024.0));
        m.put("modelOffHeapBytes", model.offHeapBytes());
        if (model instanceof Dl4jPredictor d) {
            m.put("parameters", d.parameters());
            m.put("forwardPass", d.usesDenseForwardPass() ? "dense" : "dl4j-output");
        }
        if (p99 > budget.maxP99Millis()) {
            failures.add(
                    String.format(Locale.ROOT, "p99 latency %.3f ms > budget %.3f ms", p99, budget.maxP99Millis()));
        }
        if (offHeapMb > budget.maxOffHeapMb()) {
            failures.add(String.format(
                    Locale.ROOT, "off-heap %.1f MiB > budget %.1f MiB", offHeapMb, budget.maxOffHeapMb()));
        }
    }
}
