package dev.hearth.bench;

import dev.hearth.spark.SparkConfFile;
import dev.hearth.spark.network.NetworkBuilder;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.spark.network.NetworkSpecParser;
import dev.hearth.spark.training.EpochResult;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training throughput: Hearth {@code train} on {@code local[2]} (two workers, one BLAS thread each) against plain
 * DL4J {@code MultiLayerNetwork.fit} in one JVM with two BLAS threads, same network, data, minibatch size and
 * total threads, alternating rounds in the same JVM. Examples/s of epochs after the first (warm-up) are compared.
 */
final class TrainingThroughputBench {
    private final Path root;
    private final Path train;
    private final Path test;
    private final String network;
    private final int rows;
    private final int epochs;
    private final int rounds;

    TrainingThroughputBench(Path root, Path train, Path test, String network, int rows, int epochs, int rounds) {
        this.root = root;
        this.train = train;
        this.test = test;
        this.network = network;
        this.rows = rows;
        this.epochs = epochs;
        this.rounds = rounds;
    }

    Map<String, Object> run() throws Exception {
        NetworkSpec spec = new NetworkSpecParser().parse(Files.readString(root.resolve("conf/networks/" + network)), network);
        LocalCsv data = LocalCsv.read(train, rows);
        LocalCsv testData = LocalCsv.read(test, 0);
        NormalizerSpec normalizer = data.minMax();
        List<DataSet> testBatches = testData.batches(1000, normalizer, 1);
        Path subset = Files.createTempFile("hearth-bench-train", ".csv");
        writeSubset(subset, data);

        List<Double> single = new ArrayList<>();
        List<Double> hearth = new ArrayList<>();
        double singleAccuracy = 0;
        double hearthAccuracy = 0;
        for (int round = 1; round <= rounds; round++) {
            // Single JVM, 2 BLAS threads.
            Nd4j.factory().blas().setMaxThreads(2);
            MultiLayerNetwork net = new MultiLayerNetwork(NetworkBuilder.build(spec, data.features[0].length, data.classes));
            net.init();
            for (int e = 1; e <= epochs; e++) {
                List<DataSet> batches = data.batches(64, normalizer, e);
                long t0 = System.nanoTime();
                for (DataSet b : batches) {
                    net.fit(b);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (e > 1) {
                    single.add(data.labels.length / s);
                }
                System.out.printf(Locale.ROOT, "round %d single-JVM epoch %d: %.0f examples/s%n", round, e, data.labels.length / s);
            }
            Evaluation eval = new Evaluation(data.classes);
            for (DataSet b : testBatches) {
                eval.eval(b.getLabels(), net.output(b.getFeatures(), false));
            }
            singleAccuracy = eval.accuracy();

            // Hearth on local[2], 1 BLAS thread per worker.
            Nd4j.factory().blas().setMaxThreads(1);
            SparkSession spark = SparkSession.builder().config(SparkConfFile.apply(root.resolve("conf/spark-defaults.conf"),
                    new SparkConf()).setMaster("local[2]").setAppName("bench").set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")).getOrCreate();
            try {
                Path store = Files.createTempDirectory("hearth-bench-store");
                TrainingSummary s = new TrainingPipeline(spark, HadoopModelStore.open(store.toString(),
                        spark.sparkContext().hadoopConfiguration()), new ParameterAveragingEngine())
                        .run(TrainSettings.loader().load(null, List.of("data.path=" + subset, "data.test.path=" + test,
                                "network.config=" + root.resolve("conf/networks/" + network), "model.name=bench",
                                "split.validation.fraction=0", "train.epochs=" + epochs, "train.checkpoint=false",
                                "train.batch.size.per.worker=64")));
                for (EpochResult r : s.epochs()) {
                    if (r.epoch() > 1) {
                        hearth.add(r.examplesPerSecond());
                    }
                    System.out.printf(Locale.ROOT, "round %d hearth local[2] epoch %d: %.0f examples/s%n", round, r.epoch(),
                            r.examplesPerSecond());
                }
                hearthAccuracy = s.metrics().get("accuracy");
            } finally {
                spark.stop();
            }
        }
        Files.deleteIfExists(subset);
        Stats h = Stats.of(hearth);
        Stats b = Stats.of(single);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "training-throughput");
        result.put("network", network);
        result.put("trainRows", data.labels.length);
        result.put("epochsPerRound", epochs);
        result.put("rounds", rounds);
        result.put("hearthExamplesPerSecond", h);
        result.put("singleJvmExamplesPerSecond", b);
        result.put("ratioHearthOverSingleJvm", h.median() / b.median());
        result.put("hearthTestAccuracy", hearthAccuracy);
        result.put("singleJvmTestAccuracy", singleAccuracy);
        return result;
    }

    private static void writeSubset(Path file, LocalCsv data) throws java.io.IOException {
        try (var w = Files.newBufferedWriter(file)) {
            StringBuilder header = new StringBuilder("label");
            for (int i = 0; i < data.features[0].length; i++) {
                header.append(",p").append(i);
            }
            w.write(header.append('\n').toString());
            for (int r = 0; r < data.labels.length; r++) {
                StringBuilder line = new StringBuilder().append(data.labels[r]);
                for (float v : data.features[r]) {
                    line.append(',').append((int) v == v ? Integer.toString((int) v) : Float.toString(v));
                }
                w.write(line.append('\n').toString());
            }
        }
    }
}
