package dev.hearth.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FLOP utilisation: the dense training benchmark's FLOP/s (6 x parameters x examples/s: 2 FLOPs per weight for
 * the forward multiply-add, 4 for the backward pass's two products) divided by ND4J's float32 {@code mmul} FLOP/s
 * (2n³ per n x n product) measured in this run with the same total thread count (2).
 */
final class FlopsBench implements Benchmark {
    private final int size;
    private final int repeats;
    private final Supplier<Map<String, Object>> training;

    /**
     * @param training the dense training benchmark's result from this run, or null when it was not run
     */
    FlopsBench(boolean quick, Supplier<Map<String, Object>> training) {
        this.size = quick ? 1024 : 2048;
        this.repeats = quick ? 3 : 7;
        this.training = training;
    }

    @Override
    public String name() {
        return "flops";
    }

    @Override
    public Map<String, Object> run() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", name());
        result.put(
                "formula",
                "training FLOP/s = 6 x parameters x examples/s; peak = the best float32 mmul " + size
                        + "^2 of the runs, 2n^3 FLOPs");
        Stats one = mmul(1);
        Stats two = mmul(2);
        result.put("mmulGflopsOneThread", one);
        result.put("mmulGflopsTwoThreads", two);
        // The products a 784-256-128-10 network computes on a minibatch of 64: the ceiling at these sizes.
        Stats layerOne = layerShapes(1);
        Stats layerTwo = layerShapes(2);
        result.put("layerShapeGflopsOneThread", layerOne);
        result.put("layerShapeGflopsTwoThreads", layerTwo);
        result.put("layerShapeCeilingUtilisation", layerTwo.max() / two.max());
        Map<String, Object> t = training == null ? null : training.get();
        if (t != null) {
            long parameters = ((Number) t.get("parameters")).longValue();
            double hearth = ((Stats) t.get("hearthExamplesPerSecond")).median() * 6 * parameters / 1e9;
            double single = ((Stats) t.get("singleJvmExamplesPerSecond")).median() * 6 * parameters / 1e9;
            result.put("network", t.get("network"));
            result.put("parameters", parameters);
            result.put("hearthTrainingGflops", hearth);
            result.put("singleJvmTrainingGflops", single);
            result.put("hearthUtilisation", hearth / two.max());
            result.put("singleJvmUtilisation", single / two.max());
            if (t.get("hearthEngine") instanceof Map<?, ?> engine) {
                double e = ((Stats) engine.get("examplesPerSecond")).median() * 6 * parameters / 1e9;
                result.put("hearthEngineTrainingGflops", e);
                result.put("hearthEngineUtilisation", e / two.max());
            }
        }
        Nd4j.factory().blas().setMaxThreads(2);
        return result;
    }

    private static final int[] WIDTHS = {784, 256, 128, 10};
    private static final int BATCH = 64;

    /** GFLOP/s of the forward products of the dense benchmark network on one minibatch ({@code [64 x in] x [in x out]}). */
    private Stats layerShapes(int threads) {
        Nd4j.factory().blas().setMaxThreads(threads);
        List<INDArray[]> products = new ArrayList<>();
        double flops = 0;
        for (int i = 0; i + 1 < WIDTHS.length; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, WIDTHS[i]);
            INDArray w = Nd4j.rand(DataType.FLOAT, WIDTHS[i], WIDTHS[i + 1]);
            products.add(new INDArray[] {x, w, Nd4j.create(DataType.FLOAT, BATCH, WIDTHS[i + 1])});
            flops += 2.0 * BATCH * WIDTHS[i] * WIDTHS[i + 1];
        }
        int loops = 300;
        List<Double> gflops = new ArrayList<>();
        for (int r = 0; r < repeats + 1; r++) {
            long t0 = System.nanoTime();
            for (int l = 0; l < loops; l++) {
                for (INDArray[] p : products) {
                    p[0].mmuli(p[1], p[2]);
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (r > 0) {
                gflops.add(flops * loops / s / 1e9);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "[flops] layer-shape products (batch %d), %d thread(s): %s GFLOP/s%n",
                BATCH,
                threads,
                Stats.of(gflops).toString(1));
        return Stats.of(gflops);
    }

    private Stats mmul(int threads) {
        Nd4j.factory().blas().setMaxThreads(threads);
        INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray c = Nd4j.create(DataType.FLOAT, size, size);
        for (int i = 0; i < 2; i++) {
            a.mmuli(b, c);
        }
        List<Double> gflops = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            a.mmuli(b, c);
            double s = (System.nanoTime() - t0) / 1e9;
            gflops.add(2.0 * size * size * (double) size / s / 1e9);
        }
        System.out.printf(
                Locale.ROOT, "[flops] mmul %d^2 float32, %d thread(s): %s GFLOP/s%n", size, threads, Stats.of(gflops));
        return Stats.of(gflops);
    }

    @Override
    public String markdown(Map<String, Object> r) {
        StringBuilder md = new StringBuilder("### FLOP utilisation\n\n")
                .append(r.get("formula"))
                .append(".\n\n");
        md.append("| | GFLOP/s | utilisation of 2-thread mmul |\n|---|---|---|\n");
        md.append(String.format(
                Locale.ROOT,
                "| ND4J float32 mmul, 1 thread | %s | |%n",
                ((Stats) r.get("mmulGflopsOneThread")).toString(1)));
        md.append(String.format(
                Locale.ROOT,
                "| ND4J float32 mmul, 2 threads | %s | 1.00 |%n",
                ((Stats) r.get("mmulGflopsTwoThreads")).toString(1)));
        md.append(String.format(
                Locale.ROOT,
                "| forward products of 784-256-128-10 at batch 64, 1 thread | %s | |%n",
                ((Stats) r.get("layerShapeGflopsOneThread")).toString(1)));
        md.append(String.format(
                Locale.ROOT,
                "| forward products of 784-256-128-10 at batch 64, 2 threads | %s | %.2f (ceiling at these sizes) |%n",
                ((Stats) r.get("layerShapeGflopsTwoThreads")).toString(1),
                r.get("layerShapeCeilingUtilisation")));
        if (r.containsKey("hearthUtilisation")) {
            md.append(String.format(
                    Locale.ROOT,
                    "| Hearth training, `train.engine=dl4j` (%s) | %.1f | **%.2f** |%n",
                    r.get("network"),
                    r.get("hearthTrainingGflops"),
                    r.get("hearthUtilisation")));
            if (r.containsKey("hearthEngineUtilisation")) {
                md.append(String.format(
                        Locale.ROOT,
                        "| Hearth training, `train.engine=hearth` | %.1f | **%.2f** |%n",
                        r.get("hearthEngineTrainingGflops"),
                        r.get("hearthEngineUtilisation")));
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| single-JVM DL4J training | %.1f | %.2f |%n",
                    r.get("singleJvmTrainingGflops"),
                    r.get("singleJvmUtilisation")));
        }
        return md.append('\n').toString();
    }
}
