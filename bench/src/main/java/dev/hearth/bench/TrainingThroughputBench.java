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

/**
 * Training throughput and accuracy: Hearth {@code train} on {@code local[2]} (two workers, one native thread each)
 * against the fair single-machine peers of {@link SingleMachinePeers} (DL4J {@code fit} with every thread limit at
 * 2, DL4J {@code ParallelWrapper} with 2 workers) and Hearth's fused step in one JVM, same network, data, minibatch
 * size and cores, alternating in the same JVM. Examples/s of the epochs after the first (which warms up) are
 * compared against the best peer; every row also reports test accuracy after the same epochs and the training
 * time to a fixed test accuracy (averaging changes convergence, so examples/s alone can mislead). Hearth's last
 * epoch of every round is broken down per averaging round.
 */
final class TrainingThroughputBench implements Benchmark {
    private final String name;
    private final Path root;
    private final BenchData data;
    private final String network;
    private final int epochs;
    private final int rounds;
    private final List<String> overrides;
    private final double targetAccuracy;

    TrainingThroughputBench(
            String name,
            Path root,
            BenchData data,
            String network,
            int epochs,
            int rounds,
            List<String> overrides,
            double targetAccuracy) {
        this.targetAccuracy = targetAccuracy;
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
        NetworkSpec spec =
                new NetworkSpecParser().parse(Files.readString(root.resolve("conf/networks/" + network)), network);
        LocalCsv train = data.train();
        NormalizerSpec normalizer = train.minMax();
        List<DataSet> testBatches = data.test().batches(1000, normalizer, 1);
        int batch = 64;
        SingleMachinePeers peers = new SingleMachinePeers(
                name,
                new SingleMachinePeers.Epochs() {
                    @Override
                    public List<DataSet> batches(int epoch) {
                        return train.batches(batch, normalizer, epoch);
                    }

                    @Override
                    public double accuracy(MultiLayerNetwork net) {
                        return TrainingThroughputBench.accuracy(net, testBatches, train.classes);
                    }
                },
                epochs,
                train.labels.length);
        List<PeerRun> fitRuns = new ArrayList<>();
        List<PeerRun> wrapperRuns = new ArrayList<>();
        List<PeerRun> fusedRuns = new ArrayList<>();
        StringBuilder fusedWhyNot = new StringBuilder();
        List<PeerRun> hearthRuns = new ArrayList<>();
        List<PeerRun> engineRuns = new ArrayList<>();
        List<RoundBreakdown> engineBreakdowns = new ArrayList<>();
        // Hearth's own engine next to the default one, unless the run's settings already choose an engine.
        boolean compareEngines = overrides.stream().noneMatch(o -> o.startsWith("train.engine="));
        List<Double> exportSeconds = new ArrayList<>();
        List<RoundBreakdown> breakdowns = new ArrayList<>();
        long parameters = 0;
        // The official test set read as Hearth's validation set gives its test accuracy after every epoch (the
        // pipeline refuses one path as both validation and test, so the validation side reads a copy).
        Path curveFile = Files.createTempFile(
                "hearth-bench-test-as-validation-",
                data.testFile().getFileName().toString().endsWith(".gz") ? ".csv.gz" : ".csv");
        Files.copy(data.testFile(), curveFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        curveFile.toFile().deleteOnExit();
        for (int round = 1; round <= rounds; round++) {
            MultiLayerNetwork net = fresh(spec, train);
            parameters = net.numParams();
            fitRuns.add(peers.fit(net, round));
            wrapperRuns.add(peers.parallelWrapper(fresh(spec, train), round, averagingFrequency()));
            if (fusedWhyNot.isEmpty()) {
                PeerRun fused = peers.fused(fresh(spec, train), round, batch, () -> fusedWhyNot);
                if (fused != null) {
                    fusedRuns.add(fused);
                }
            }

            List<String> settings = new ArrayList<>(List.of(
                    "data.path=" + data.trainFile(),
                    "data.test.path=" + data.testFile(),
                    "data.validation.path=" + curveFile,
                    "network.config=" + root.resolve("conf/networks/" + network),
                    "split.validation.fraction=0",
                    "train.epochs=" + epochs,
                    "train.batch.size.per.worker=" + batch));
            settings.addAll(overrides);
            TrainingSummary s = new HearthRun(root).train(settings);
            PeerRun hearth = new PeerRun();
            for (EpochResult r : s.epochs()) {
                hearth.add(r.examplesPerSecond(), r.seconds(), r.validation());
                if (r.breakdown() != null && r.breakdown().exportMs() > 0) {
                    exportSeconds.add(r.breakdown().exportMs() / 1000);
                }
                System.out.printf(
                        Locale.ROOT,
                        "[%s] round %d hearth local[2] epoch %d: %.0f examples/s, test accuracy %.4f%s%n",
                        name,
                        round,
                        r.epoch(),
                        r.examplesPerSecond(),
                        r.validation(),
                        r.breakdown() == null ? "" : "; " + r.breakdown().describe());
            }
            hearthRuns.add(hearth);
            EpochResult last = s.epochs().get(s.epochs().size() - 1);
            if (last.breakdown() != null) {
                breakdowns.add(last.breakdown());
            }
            if (compareEngines) {
                List<String> engine = new ArrayList<>(settings);
                engine.add("train.engine=hearth");
                TrainingSummary e = new HearthRun(root).train(engine);
                PeerRun run = new PeerRun();
                for (EpochResult r : e.epochs()) {
                    run.add(r.examplesPerSecond(), r.seconds(), r.validation());
                    System.out.printf(
                            Locale.ROOT,
                            "[%s] round %d hearth engine local[2] epoch %d: %.0f examples/s, test accuracy %.4f%s%n",
                            name,
                            round,
                            r.epoch(),
                            r.examplesPerSecond(),
                            r.validation(),
                            r.breakdown() == null ? "" : "; " + r.breakdown().describe());
                }
                engineRuns.add(run);
                EpochResult lastOfEngine = e.epochs().get(e.epochs().size() - 1);
                if (lastOfEngine.breakdown() != null) {
                    engineBreakdowns.add(lastOfEngine.breakdown());
                }
            }
        }
        Map<String, Object> peerResults = new LinkedHashMap<>();
        peerResults.put("dl4jFit", PeerRun.summarise(fitRuns, targetAccuracy));
        peerResults.put("parallelWrapper", PeerRun.summarise(wrapperRuns, targetAccuracy));
        Map<String, Object> hearth = PeerRun.summarise(hearthRuns, targetAccuracy);
        String best = median(peerResults, "dl4jFit") >= median(peerResults, "parallelWrapper")
                ? "dl4jFit"
                : "parallelWrapper";
        Stats h = (Stats) hearth.get("examplesPerSecond");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", name);
        result.put("network", network);
        result.put("parameters", parameters);
        result.put("trainRows", train.labels.length);
        result.put("batchSize", batch);
        result.put("epochsPerRound", epochs);
        result.put("rounds", rounds);
        result.put("hearthSettings", overrides);
        result.put("targetAccuracy", targetAccuracy);
        result.put("hearth", hearth);
        result.put("peers", peerResults);
        result.put("bestPeer", best);
        result.put("ratioHearthOverBestPeer", h.median() / median(peerResults, best));
        Stats hearthToTarget = (Stats) hearth.get("secondsToTarget");
        Stats peerToTarget = (Stats) ((Map<?, ?>) peerResults.get(best)).get("secondsToTarget");
        result.put(
                "timeToTargetRatioBestPeerOverHearth",
                hearthToTarget == null || peerToTarget == null
                        ? null
                        : peerToTarget.median() / hearthToTarget.median());
        if (!engineRuns.isEmpty()) {
            Map<String, Object> engine = PeerRun.summarise(engineRuns, targetAccuracy);
            result.put("hearthEngine", engine);
            double rate = ((Stats) engine.get("examplesPerSecond")).median();
            result.put("ratioHearthEngineOverBestPeer", rate / median(peerResults, best));
            result.put("hearthEngineRoundBreakdown", engineBreakdowns);
            Stats engineToTarget = (Stats) engine.get("secondsToTarget");
            result.put(
                    "timeToTargetRatioBestPeerOverHearthEngine",
                    engineToTarget == null || peerToTarget == null
                            ? null
                            : peerToTarget.median() / engineToTarget.median());
            // Issue 19's accuracy parity: Hearth's engine against DL4J's parameter averaging (the default engine's
            // rows above), and against the best peer ("equal or better accuracy after the same epochs").
            double engineAccuracy = ((Stats) engine.get("testAccuracy")).median();
            result.put("hearthEngineTestAccuracy", engineAccuracy);
            double gap = engineAccuracy - ((Stats) hearth.get("testAccuracy")).median();
            result.put("accuracyHearthEngineMinusDl4jPa", gap);
            result.put("accuracyGapHearthEngineVsDl4jPa", Math.abs(gap));
            result.put(
                    "accuracyHearthEngineMinusBestPeer",
                    engineAccuracy - ((Stats) ((Map<?, ?>) peerResults.get(best)).get("testAccuracy")).median());
            if (!engineBreakdowns.isEmpty()) {
                // Per-round costs besides the workers' compute: Spark's job overhead alone, and everything else too.
                result.put(
                        "hearthEngineSparkOverheadMs",
                        Stats.of(engineBreakdowns.stream()
                                        .map(RoundBreakdown::sparkMs)
                                        .toList())
                                .median());
                result.put(
                        "hearthEngineNonComputeMs",
                        Stats.of(engineBreakdowns.stream()
                                        .map(b -> b.roundMs() - b.computeMs())
                                        .toList())
                                .median());
            }
            if (!fusedRuns.isEmpty()) {
                result.put(
                        "ratioHearthEngineOverFusedOneJvm",
                        rate
                                / ((Stats) PeerRun.summarise(fusedRuns, targetAccuracy)
                                                .get("examplesPerSecond"))
                                        .median());
            }
        }
        if (!fusedRuns.isEmpty()) {
            Map<String, Object> fused = PeerRun.summarise(fusedRuns, targetAccuracy);
            result.put("fusedOneJvm", fused);
            result.put("ratioHearthOverFusedOneJvm", h.median() / ((Stats) fused.get("examplesPerSecond")).median());
        } else {
            result.put("fusedOneJvmNotRunBecause", fusedWhyNot.toString());
        }
        // Kept for the FLOP benchmark and older readers: the fair single-JVM DL4J fit.
        result.put("hearthExamplesPerSecond", h);
        result.put("singleJvmExamplesPerSecond", ((Map<?, ?>) peerResults.get("dl4jFit")).get("examplesPerSecond"));
        result.put("ratioHearthOverSingleJvm", h.median() / median(peerResults, "dl4jFit"));
        result.put("hearthFirstEpochExportSeconds", exportSeconds.isEmpty() ? null : Stats.of(exportSeconds));
        result.put("hearthRoundBreakdown", breakdowns);
        result.put("hearthTestAccuracy", ((Stats) hearth.get("testAccuracy")).median());
        return result;
    }

    private int averagingFrequency() {
        for (String o : overrides) {
            if (o.startsWith("train.averaging.frequency=")) {
                return Integer.parseInt(o.substring(o.indexOf('=') + 1).strip());
            }
        }
        return Integer.parseInt(dev.hearth.spark.training.TrainSettings.loader()
                .load(null, List.of())
                .get("train.averaging.frequency"));
    }

    private static MultiLayerNetwork fresh(NetworkSpec spec, LocalCsv train) {
        MultiLayerNetwork net =
                new MultiLayerNetwork(NetworkBuilder.build(spec, train.features[0].length, train.classes));
        net.init();
        return net;
    }

    private static double median(Map<String, Object> peers, String key) {
        return ((Stats) ((Map<?, ?>) peers.get(key)).get("examplesPerSecond")).median();
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
        md.append(String.format(
                Locale.ROOT,
                "### Training throughput: %s (%,d parameters), %,d rows, batch %d, %d round(s) x %d epochs%n%n",
                r.get("network"),
                ((Number) r.get("parameters")).longValue(),
                r.get("trainRows"),
                r.get("batchSize"),
                r.get("rounds"),
                r.get("epochsPerRound")));
        double target = ((Number) r.get("targetAccuracy")).doubleValue();
        md.append(String.format(
                Locale.ROOT,
                "| | examples/s, median (min-max) of epochs 2+ | test accuracy after %s epochs "
                        + "| training seconds to %.2f test accuracy (rounds reaching it) |%n|---|---|---|---|%n",
                r.get("epochsPerRound"),
                target));
        List<?> settings = (List<?>) r.get("hearthSettings");
        row(
                md,
                "Hearth `train`, `local[2]`, " + (settings.isEmpty() ? "`conf/` defaults" : settings.toString()),
                r.get("hearth"));
        if (r.get("hearthEngine") != null) {
            row(md, "Hearth `train`, `local[2]`, `train.engine=hearth`", r.get("hearthEngine"));
        }
        Map<?, ?> peers = (Map<?, ?>) r.get("peers");
        row(md, "DL4J `fit`, one JVM, every thread limit 2", peers.get("dl4jFit"));
        row(md, "DL4J `ParallelWrapper`, 2 workers x 1 thread", peers.get("parallelWrapper"));
        if (r.get("fusedOneJvm") != null) {
            row(
                    md,
                    "Hearth fused step, one JVM, 2 threads (not a peer: what distribution costs)",
                    r.get("fusedOneJvm"));
        }
        md.append(String.format(
                Locale.ROOT,
                "| **ratio Hearth / best single-machine peer (%s)** | **%.2f** | | %s |%n%n",
                r.get("bestPeer"),
                r.get("ratioHearthOverBestPeer"),
                r.get("timeToTargetRatioBestPeerOverHearth") == null
                        ? "not reached by both"
                        : String.format(
                                Locale.ROOT,
                                "**%.2f** (peer / Hearth)",
                                r.get("timeToTargetRatioBestPeerOverHearth"))));
        if (r.get("ratioHearthEngineOverBestPeer") != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "`train.engine=hearth` / best peer: **%.2f**%s.%n%n",
                    r.get("ratioHearthEngineOverBestPeer"),
                    r.get("ratioHearthEngineOverFusedOneJvm") == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "; / the fused step in one JVM: %.2f",
                                    r.get("ratioHearthEngineOverFusedOneJvm"))));
        }
        if (r.get("accuracyHearthEngineMinusDl4jPa") != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "Accuracy parity: `train.engine=hearth` test accuracy %.4f, minus DL4J"
                            + " parameter averaging's (default engine) **%+.4f** (target within 0.01), minus the best peer's %+.4f;"
                            + " time to %.2f, best peer / engine: %s.%s%n%n",
                    r.get("hearthEngineTestAccuracy"),
                    r.get("accuracyHearthEngineMinusDl4jPa"),
                    r.get("accuracyHearthEngineMinusBestPeer"),
                    target,
                    r.get("timeToTargetRatioBestPeerOverHearthEngine") == null
                            ? "not reached by both"
                            : String.format(
                                    Locale.ROOT, "**%.2f**", r.get("timeToTargetRatioBestPeerOverHearthEngine")),
                    r.get("hearthEngineSparkOverheadMs") == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    " Engine per round: Spark job overhead %.1f ms, everything but worker compute %.1f ms.",
                                    r.get("hearthEngineSparkOverheadMs"),
                                    r.get("hearthEngineNonComputeMs"))));
        }
        if (r.get("ratioHearthOverFusedOneJvm") != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "Hearth on Spark / the fused step in one JVM: %.2f.%n%n",
                    r.get("ratioHearthOverFusedOneJvm")));
        } else if (r.get("fusedOneJvmNotRunBecause") != null) {
            md.append("Fused step not run for this network: ")
                    .append(r.get("fusedOneJvmNotRunBecause"))
                    .append(".\n\n");
        }
        if (r.get("hearthFirstEpochExportSeconds") != null) {
            md.append("Export of the shuffled minibatches, per epoch (every epoch reshuffles): ")
                    .append(((Stats) r.get("hearthFirstEpochExportSeconds")).toString(1))
                    .append(" s.\n\n");
        }
        @SuppressWarnings("unchecked")
        List<RoundBreakdown> breakdowns = new ArrayList<>((List<RoundBreakdown>) r.get("hearthRoundBreakdown"));
        @SuppressWarnings("unchecked")
        List<RoundBreakdown> engineBreakdowns = (List<RoundBreakdown>) r.get("hearthEngineRoundBreakdown");
        if (!breakdowns.isEmpty()) {
            md.append("Per averaging round (Hearth's last epoch of each round, ms per round; worker parts per worker;"
                    + " the default engine's rows first, then `train.engine=hearth`'s):\n\n");
            if (engineBreakdowns != null) {
                breakdowns.addAll(engineBreakdowns);
            }
            md.append(
                    "| rounds/epoch | round | compute | data wait | worker init | broadcast | repartition | averaging | Spark job overhead | compute share |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (RoundBreakdown b : breakdowns) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f%% |%n",
                        b.rounds(),
                        b.roundMs(),
                        b.computeMs(),
                        b.dataLoadMs(),
                        b.workerInitMs(),
                        b.broadcastMs(),
                        b.repartitionMs(),
                        b.averageMs(),
                        b.sparkMs(),
                        100 * b.computeShare()));
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String label, Object summary) {
        Map<?, ?> m = (Map<?, ?>) summary;
        Stats toTarget = (Stats) m.get("secondsToTarget");
        md.append(String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s (%s) |%n",
                label,
                m.get("examplesPerSecond"),
                ((Stats) m.get("testAccuracy")).toString(3),
                toTarget == null ? "not reached" : toTarget.toString(1),
                m.get("reachedTarget")));
    }
}
