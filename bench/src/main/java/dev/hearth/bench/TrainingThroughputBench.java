package dev.hearth.bench;

import dev.hearth.spark.network.NetworkBuilder;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.spark.network.NetworkSpecParser;
import dev.hearth.spark.training.EpochResult;
import dev.hearth.spark.training.RoundBreakdown;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.NormalizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training throughput: Hearth {@code train} on {@code local[2]} (two workers, one BLAS thread each) against plain
 * DL4J {@code MultiLayerNetwork.fit} in one JVM with two BLAS threads, same network, data, minibatch size and
 * total threads, alternating rounds in the same JVM. Examples/s of the epochs after the first (which warms up and,
 * for Hearth, exports the minibatches) are compared; Hearth's last epoch of every round is broken down per
 * averaging round.
 */
final class TrainingThroughputBench implements Benchmark {
    private final String name;
    private final Path root;
    private final BenchData data;
    private final String network;
    private final int epochs;
    private final int rounds;
    private final List<String> overrides;

    TrainingThroughputBench(String name, Path root, BenchData data, String network, int epochs, int rounds,
            List<String> overrides) {
        this.name = name;
        this.root = root;
        this.data = data;
        this.network = network;
        this.epochs = epochs;
        this.rounds = rounds;
        this.overrides = overrides;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Object> run() throws Exception {
        NetworkSpec spec = new NetworkSpecParser().parse(Files.readString(root.resolve("conf/networks/" + network)), network);
        LocalCsv train = data.train();
        NormalizerSpec normalizer = train.minMax();
        List<DataSet> testBatches = data.test().batches(1000, normalizer, 1);
        int batch = 64;
        List<Double> single = new ArrayList<>();
        List<Double> hearth = new ArrayList<>();
        List<Double> exportSeconds = new ArrayList<>();
        List<RoundBreakdown> breakdowns = new ArrayList<>();
        double singleAccuracy = 0;
        double hearthAccuracy = 0;
        long parameters = 0;
        for (int round = 1; round <= rounds; round++) {
            Nd4j.factory().blas().setMaxThreads(2);
            MultiLayerNetwork net = new MultiLayerNetwork(NetworkBuilder.build(spec, train.features[0].length, train.classes));
            net.init();
            parameters = net.numParams();
            for (int e = 1; e <= epochs; e++) {
                List<DataSet> batches = train.batches(batch, normalizer, e);
                long t0 = System.nanoTime();
                for (DataSet b : batches) {
                    net.fit(b);
                }
                double rate = train.labels.length / ((System.nanoTime() - t0) / 1e9);
                if (e > 1) {
                    single.add(rate);
                }
                System.out.printf(Locale.ROOT, "[%s] round %d single-JVM epoch %d: %.0f examples/s%n", name, round, e, rate);
            }
            singleAccuracy = accuracy(net, testBatches, train.classes);

            List<String> settings = new ArrayList<>(List.of("data.path=" + data.trainFile(), "data.test.path=" + data.testFile(),
                    "network.config=" + root.resolve("conf/networks/" + network), "split.validation.fraction=0",
                    "train.epochs=" + epochs, "train.batch.size.per.worker=" + batch));
            settings.addAll(overrides);
            TrainingSummary s = new HearthRun(root).train(settings);
            for (EpochResult r : s.epochs()) {
                if (r.epoch() > 1) {
                    hearth.add(r.examplesPerSecond());
                }
                if (r.breakdown() != null && r.breakdown().exportMs() > 0) {
                    exportSeconds.add(r.breakdown().exportMs() / 1000);
                }
                System.out.printf(Locale.ROOT, "[%s] round %d hearth local[2] epoch %d: %.0f examples/s%s%n", name, round,
                        r.epoch(), r.examplesPerSecond(), r.breakdown() == null ? "" : "; " + r.breakdown().describe());
            }
            EpochResult last = s.epochs().get(s.epochs().size() - 1);
            if (last.breakdown() != null) {
                breakdowns.add(last.breakdown());
            }
            hearthAccuracy = s.metrics().get("accuracy");
        }
        Stats h = Stats.of(hearth);
        Stats b = Stats.of(single);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", name);
        result.put("network", network);
        result.put("parameters", parameters);
        result.put("trainRows", train.labels.length);
        result.put("batchSize", batch);
        result.put("epochsPerRound", epochs);
        result.put("rounds", rounds);
        result.put("hearthSettings", overrides);
        result.put("hearthExamplesPerSecond", h);
        result.put("singleJvmExamplesPerSecond", b);
        result.put("ratioHearthOverSingleJvm", h.median() / b.median());
        result.put("hearthFirstEpochExportSeconds", exportSeconds.isEmpty() ? null : Stats.of(exportSeconds));
        result.put("hearthRoundBreakdown", breakdowns);
        result.put("hearthTestAccuracy", hearthAccuracy);
        result.put("singleJvmTestAccuracy", singleAccuracy);
        return result;
    }

    static double accuracy(MultiLayerNetwork net, List<DataSet> testBatches, int classes) {
        Evaluation eval = new Evaluation(classes);
        for (DataSet b : testBatches) {
            eval.eval(b.getLabels(), net.output(b.getFeatures(), false));
        }
        return eval.accuracy();
    }

    @Override
    public String markdown(Map<String, Object> r) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "### Training throughput: %s (%,d parameters), %,d rows, batch %d, %d round(s) x %d epochs%n%n",
                r.get("network"), ((Number) r.get("parameters")).longValue(), r.get("trainRows"), r.get("batchSize"),
                r.get("rounds"), r.get("epochsPerRound")));
        md.append("| | examples/s, median (min-max) of epochs 2+ | test accuracy |\n|---|---|---|\n");
        List<?> settings = (List<?>) r.get("hearthSettings");
        md.append(String.format(Locale.ROOT, "| Hearth `train`, `local[2]`, %s | %s | %.3f |%n",
                settings.isEmpty() ? "`conf/` defaults" : settings,
                r.get("hearthExamplesPerSecond"), r.get("hearthTestAccuracy")));
        md.append(String.format(Locale.ROOT, "| DL4J `fit`, one JVM, 2 BLAS threads | %s | %.3f |%n",
                r.get("singleJvmExamplesPerSecond"), r.get("singleJvmTestAccuracy")));
        md.append(String.format(Locale.ROOT, "| **ratio Hearth / single JVM** | **%.2f** | |%n%n", r.get("ratioHearthOverSingleJvm")));
        if (r.get("hearthFirstEpochExportSeconds") != null) {
            md.append("Export of the shuffled minibatches, per epoch (every epoch reshuffles): ").append(((Stats) r.get("hearthFirstEpochExportSeconds")).toString(1))
                    .append(" s.\n\n");
        }
        @SuppressWarnings("unchecked")
        List<RoundBreakdown> breakdowns = (List<RoundBreakdown>) r.get("hearthRoundBreakdown");
        if (!breakdowns.isEmpty()) {
            md.append("Per averaging round (Hearth's last epoch of each round, ms per round; worker parts per worker):\n\n");
            md.append("| rounds/epoch | round | compute | data wait | worker init | broadcast | repartition | averaging | Spark job overhead | compute share |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (RoundBreakdown b : breakdowns) {
                md.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f%% |%n",
                        b.rounds(), b.roundMs(), b.computeMs(), b.dataLoadMs(), b.workerInitMs(), b.broadcastMs(),
                        b.repartitionMs(), b.averageMs(), b.sparkMs(), 100 * b.computeShare()));
            }
            md.append('\n');
        }
        return md.toString();
    }
}
