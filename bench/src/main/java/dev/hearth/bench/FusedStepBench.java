package dev.hearth.bench;

import dev.hearth.spark.engine.fused.LocalTrainer;
import dev.hearth.spark.network.NetworkBuilder;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.spark.network.NetworkSpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused dense step against DL4J's {@code fit} in one JVM, both with every native thread limit at 2, on the
 * dense benchmark network at minibatch 64 and 256: examples/s and FLOP utilisation (6 x parameters x examples/s
 * over the best float32 {@code sgemm} FLOP/s of several 2-thread runs in the same run: the peak is what the BLAS
 * can reach, and a median under a neighbour's load would understate it). Alternating, after warm-up.
 */
final class FusedStepBench implements Benchmark {
    private static final int[] BATCHES = {64, 256};
    private final Path root;
    private final boolean quick;

    FusedStepBench(Path root, boolean quick) {
        this.root = root;
        this.quick = quick;
    }

    @Override
    public String name() {
        return "fused";
    }

    @Override
    public Map<String, Object> run() throws Exception {
        String network = "mlp-784-256-128-10.yaml";
        NetworkSpec spec =
                new NetworkSpecParser().parse(Files.readString(root.resolve("conf/networks/" + network)), network);
        ThreadLimits before = ThreadLimits.all(2);
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            Stats peak = sgemm(quick ? 1024 : 2048, quick ? 3 : 7);
            result.put("benchmark", name());
            result.put("network", network);
            result.put("sgemmGflopsTwoThreads", peak);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int batch : BATCHES) {
                rows.add(measure(spec, batch, peak.max()));
            }
            result.put("batches", rows);
            result.put("fusedUtilisationAt64", rows.get(0).get("fusedUtilisation"));
            result.put("fusedOverFitAt64", rows.get(0).get("ratioFusedOverFit"));
            result.put("fusedUtilisationAt256", rows.get(1).get("fusedUtilisation"));
        } finally {
            before.restore();
        }
        return result;
    }

    private Map<String, Object> measure(NetworkSpec spec, int batch, double peakGflops) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(NetworkBuilder.build(spec, 784, 10));
        dl4j.init();
        MultiLayerNetwork fusedNet = new MultiLayerNetwork(NetworkBuilder.build(spec, 784, 10));
        fusedNet.init();
        long parameters = dl4j.numParams();
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
            for (int r = 0; r < batch; r++) {
                y.putScalar(r, (r * 7 + i) % 10, 1f);
            }
            batches.add(new DataSet(x, y));
        }
        int steps = Math.max(8, (quick ? 2_000 : 40_000) / batch);
        int repeats = quick ? 1 : 5;
        List<Double> fit = new ArrayList<>();
        List<Double> fused = new ArrayList<>();
        try (LocalTrainer trainer = LocalTrainer.open(fusedNet, batch, 1, true)) {
            if (!trainer.isFused()) {
                throw new IllegalStateException(
                        "the fused step refused the benchmark network: " + trainer.fallbackReason());
            }
            for (int r = 0; r <= repeats; r++) {
                double a = rate(steps, batch, b -> dl4j.fit(batches.get(b % batches.size())));
                double f = rate(steps, batch, b -> trainer.fit(batches.get(b % batches.size())));
                if (r > 0) { // round 0 warms up both
                    fit.add(a);
                    fused.add(f);
                }
            }
        }
        Stats fitStats = Stats.of(fit);
        Stats fusedStats = Stats.of(fused);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("batch", batch);
        row.put("parameters", parameters);
        row.put("fitExamplesPerSecond", fitStats);
        row.put("fusedExamplesPerSecond", fusedStats);
        row.put("ratioFusedOverFit", fusedStats.median() / fitStats.median());
        row.put("fitUtilisation", 6.0 * parameters * fitStats.median() / 1e9 / peakGflops);
        row.put("fusedUtilisation", 6.0 * parameters * fusedStats.median() / 1e9 / peakGflops);
        System.out.printf(
                Locale.ROOT,
                "[fused] batch %d: fused %s, DL4J fit %s examples/s; utilisation %.2f vs %.2f%n",
                batch,
                fusedStats,
                fitStats,
                row.get("fusedUtilisation"),
                row.get("fitUtilisation"));
        return row;
    }

    private static double rate(int steps, int batch, java.util.function.IntConsumer step) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.accept(i);
        }
        return (double) steps * batch / ((System.nanoTime() - t0) / 1e9);
    }

    private static Stats sgemm(int size, int repeats) {
        INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray c = Nd4j.create(DataType.FLOAT, size, size);
        a.mmuli(b, c);
        List<Double> gflops = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            a.mmuli(b, c);
            gflops.add(2.0 * size * size * (double) size / ((System.nanoTime() - t0) / 1e9) / 1e9);
        }
        System.out.printf(
                Locale.ROOT,
                "[fused] sgemm %d^2, 2 threads: %s GFLOP/s%n",
                size,
                Stats.of(gflops).toString(1));
        return Stats.of(gflops);
    }

    @Override
    public String markdown(Map<String, Object> r) {
        StringBuilder md = new StringBuilder("### Fused dense step vs DL4J `fit`, one JVM, every thread limit 2 (")
                .append(r.get("network"))
                .append(")\n\n");
        md.append("FLOP utilisation = 6 x parameters x examples/s over the best float32 sgemm with 2 threads in this"
                        + " run (median (min-max) shown; the max is the peak): ")
                .append(((Stats) r.get("sgemmGflopsTwoThreads")).toString(1))
                .append(" GFLOP/s.\n\n");
        md.append(
                "| batch | fused examples/s | DL4J fit examples/s | fused / fit | utilisation fused | utilisation fit |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Object o : (List<?>) r.get("batches")) {
            Map<?, ?> m = (Map<?, ?>) o;
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | **%.2f** | **%.2f** | %.2f |%n",
                    m.get("batch"),
                    m.get("fusedExamplesPerSecond"),
                    m.get("fitExamplesPerSecond"),
                    m.get("ratioFusedOverFit"),
                    m.get("fusedUtilisation"),
                    m.get("fitUtilisation")));
        }
        return md.append('\n').toString();
    }
}
