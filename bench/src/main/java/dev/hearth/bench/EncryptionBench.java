package dev.hearth.bench;

import dev.hearth.spark.training.EpochResult;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.crypto.ChunkFormat;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.crypto.key.KeyProvider;
import org.apache.hadoop.crypto.key.KeyProviderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cost of encryption at rest, measured against the same work in plaintext in the same run: (1) publish + verified load
 * of the ~10 M-parameter model on the local file system, encrypted (AES-256-GCM chunks, data key wrapped by a jceks
 * master key) vs plaintext, rounds alternating after warm-up; (2) Hearth's training throughput (export approach,
 * local[2]) with sealed vs plain exported minibatch files. Ratios are encrypted over plaintext.
 */
final class EncryptionBench implements Benchmark {
    private static final Logger LOG = LoggerFactory.getLogger(EncryptionBench.class);

    private final Path root;
    private final BenchData data;
    private final boolean quick;

    EncryptionBench(Path root, BenchData data, boolean quick) {
        this.root = root;
        this.data = data;
        this.quick = quick;
    }

    @Override
    public String name() {
        return "encryption";
    }

    @Override
    public Map<String, Object> run() throws Exception {
        Path work = Files.createTempDirectory(
                Files.isDirectory(root.resolve("bench/target"))
                        ? root.resolve("bench/target")
                        : Path.of(System.getProperty("java.io.tmpdir")),
                "encryption-bench-");
        try {
            String provider = "jceks://file" + work.resolve("keys.jceks");
            KeyProvider admin = KeyProviderFactory.get(new URI(provider), new Configuration());
            KeyProvider.Options o = new KeyProvider.Options(new Configuration());
            o.setBitLength(256);
            admin.createKey("bench", o);
            admin.flush();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("store", store(work, provider));
            result.put("training", training(provider));
            return result;
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private Map<String, Object> store(Path work, String provider) throws Exception {
        BenchModelFiles files = BenchModelFiles.build();
        Configuration on = new Configuration();
        on.set(EncryptionSettings.KEY_PROVIDER, provider);
        on.set(EncryptionSettings.KEY_NAME, "bench");
        HadoopModelStore plain = HadoopModelStore.open(work.resolve("plain").toString(), new Configuration());
        HadoopModelStore sealed = HadoopModelStore.open(work.resolve("sealed").toString(), on);
        // The JIT compiles AES-GCM's intrinsics only after ~100 MB have passed through it (measured here: the first
        // 40 MB seal at ~50 MB/s, later ones at ~2 GB/s), so warm-up is longer than for plaintext work, and the
        // first (cold) round is reported on its own: it is what a fresh JVM pays for its first encrypted model.
        int warmup = quick ? 2 : 3;
        int repeats = quick ? 4 : 8;
        Timings t = new Timings();
        for (int round = 0; round < warmup + repeats; round++) {
            double[] p;
            double[] s;
            if (round % 2 == 0) {
                p = round(plain, files);
                s = round(sealed, files);
            } else {
                s = round(sealed, files);
                p = round(plain, files);
            }
            LOG.info(
                    "encryption round {}{}: plaintext publish {} ms + load {} ms, encrypted publish {} ms + load {} ms",
                    round,
                    round < warmup ? " (warm-up)" : "",
                    Math.round(p[0]),
                    Math.round(p[1]),
                    Math.round(s[0]),
                    Math.round(s[1]));
            t.add(round, warmup, p, s);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("parameters", files.parameters());
        m.put("modelBytes", files.model().length);
        m.put("warmupRounds", warmup);
        m.put("publish", pair(t.sealedPublish, t.plainPublish));
        m.put("load", pair(t.sealedLoad, t.plainLoad));
        m.put("publishAndLoad", pair(sum(t.sealedPublish, t.sealedLoad), sum(t.plainPublish, t.plainLoad)));
        m.put("cpuPublishAndLoad", pair(t.sealedCpu, t.plainCpu));
        m.put(
                "coldPublishAndLoad",
                pair(List.of(t.coldSealed[0] + t.coldSealed[1]), List.of(t.coldPlain[0] + t.coldPlain[1])));
        return m;
    }

    /** Both stores' rounds: the first (cold) one on its own, the measured ones after warm-up per part. */
    private static final class Timings {
        double[] coldPlain;
        double[] coldSealed;
        final List<Double> plainPublish = new ArrayList<>();
        final List<Double> plainLoad = new ArrayList<>();
        final List<Double> sealedPublish = new ArrayList<>();
        final List<Double> sealedLoad = new ArrayList<>();
        final List<Double> plainCpu = new ArrayList<>();
        final List<Double> sealedCpu = new ArrayList<>();

        /** Round {@code round}'s {publish ms, load ms, CPU ms} of the plain store {@code p} and the sealed {@code s}. */
        void add(int round, int warmup, double[] p, double[] s) {
            if (round == 0) {
                coldPlain = p;
                coldSealed = s;
            }
            if (round >= warmup) {
                plainPublish.add(p[0]);
                plainLoad.add(p[1]);
                sealedPublish.add(s[0]);
                sealedLoad.add(s[1]);
                plainCpu.add(p[2]);
                sealedCpu.add(s[2]);
            }
        }
    }

    /** Publish, then resolve + verified read of model.zip; the version is deleted afterwards (untimed). */
    private static double[] round(HadoopModelStore store, BenchModelFiles files) {
        Map<String, ModelDraft.FileWriter> writers = new LinkedHashMap<>();
        files.files().forEach((name, bytes) -> writers.put(name, out -> out.write(bytes)));
        ModelDraft draft = new ModelDraft(
                "dl4j-multilayer",
                new Signature(
                        "input",
                        "FP32",
                        784,
                        List.of(),
                        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                        NormalizerSpec.none()),
                Map.of("accuracy", 0.87),
                Map.of(),
                Map.of(),
                Map.of(),
                writers);
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        ModelVersion v = store.publish("bench", draft);
        long t1 = System.nanoTime();
        byte[] model = store.readFile(store.resolve(ModelRef.parse("bench")), BenchModelFiles.MODEL_FILE);
        long t2 = System.nanoTime();
        long c2 = processCpuNanos();
        if (model.length != files.model().length) {
            throw new IllegalStateException("read " + model.length + " bytes, expected " + files.model().length);
        }
        store.delete("bench", v.version(), "benchmark round done");
        return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (c2 - c0) / 1e6};
    }

    /**
     * CPU time of this JVM, all threads: the work a round costs, which a loaded machine stretches far less than the
     * wall-clock time (an encrypted round runs on three threads, a plaintext one on two, so under contention the
     * encrypted side also gets a larger share of the cores).
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private Map<String, Object> training(String provider) throws Exception {
        int epochs = quick ? 2 : 3;
        int rounds = 2; // plain-sealed, then sealed-plain
        List<Double> plain = new ArrayList<>();
        List<Double> sealed = new ArrayList<>();
        List<Double> plainExport = new ArrayList<>();
        List<Double> sealedExport = new ArrayList<>();
        // Alternating order (plain first in even rounds, sealed first in odd ones) so a drift in the machine's load
        // does not favour one side.
        for (int round = 0; round < rounds; round++) {
            boolean[] order = round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false};
            for (boolean encrypted : order) {
                trainOnce(
                        provider,
                        epochs,
                        round,
                        encrypted,
                        encrypted ? sealed : plain,
                        encrypted ? sealedExport : plainExport);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("rounds", rounds);
        m.put("examplesPerSecond", pair(sealed, plain));
        m.put("exportMillis", sealedExport.isEmpty() || plainExport.isEmpty() ? null : pair(sealedExport, plainExport));
        return m;
    }

    private void trainOnce(
            String provider, int epochs, int round, boolean encrypted, List<Double> speeds, List<Double> exports)
            throws Exception {
        List<String> settings = new ArrayList<>(List.of(
                "data.path=" + data.trainFile(),
                "data.test.path=" + data.testFile(),
                "network.config=" + root.resolve("conf/networks/mlp-784-256-128-10.yaml"),
                "split.validation.fraction=0",
                "train.epochs=" + epochs,
                "train.batch.size.per.worker=64",
                // Sealed exported minibatches are the dl4j engine's Export approach (the hearth engine exports none).
                "train.engine=dl4j",
                "train.approach=export"));
        if (encrypted) {
            settings.add(EncryptionSettings.KEY_PROVIDER + "=" + provider);
            settings.add(EncryptionSettings.KEY_NAME + "=bench");
        }
        TrainingSummary s = new HearthRun(root).train(settings);
        for (EpochResult r : s.epochs()) {
            LOG.info(
                    "encryption training round {} ({}): epoch {} {} examples/s{}",
                    round,
                    encrypted ? "sealed export" : "plain",
                    r.epoch(),
                    Math.round(r.examplesPerSecond()),
                    r.breakdown() == null ? "" : "; " + r.breakdown().describe());
            if (r.epoch() > 1) {
                speeds.add(r.examplesPerSecond());
                if (r.breakdown() != null && r.breakdown().exportMs() > 0) {
                    exports.add(r.breakdown().exportMs());
                }
            }
        }
        if (encrypted && s.published().metadata().encryption() == null) {
            throw new IllegalStateException("the encrypted run published a plaintext version");
        }
    }

    private static List<Double> sum(List<Double> a, List<Double> b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i) + b.get(i));
        }
        return out;
    }

    private static Map<String, Object> pair(List<Double> encrypted, List<Double> plain) {
        Stats e = Stats.of(encrypted);
        Stats p = Stats.of(plain);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encrypted", e);
        m.put("plaintext", p);
        m.put("ratio", e.median() / p.median());
        return m;
    }

    @Override
    @SuppressWarnings("unchecked")
    public String markdown(Map<String, Object> result) {
        Map<String, Object> st = (Map<String, Object>) result.get("store");
        Map<String, Object> tr = (Map<String, Object>) result.get("training");
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "### Encryption at rest (%,d-parameter model, model.zip of %,d bytes)%n%n",
                ((Number) st.get("parameters")).longValue(),
                ((Number) st.get("modelBytes")).longValue()));
        s.append("Encrypted = AES-256-GCM in " + ChunkFormat.DEFAULT_CHUNK / 1024
                + " KiB chunks (sealed and opened on a helper thread past the first MiB), "
                + "data key wrapped by a 256-bit jceks master key, SHA-256 of the plaintext verified after decryption; plaintext = the same store without a key. Local file "
                + "system, rounds alternating after warm-up; milliseconds (examples/s for training), median "
                + "(min-max). Ratio = encrypted / plaintext.\n\n");
        s.append("| measure | encrypted | plaintext | ratio |\n|---|---|---|---|\n");
        for (String[] row : new String[][] {
            {"publish", "publish"},
            {"load", "resolve + verified load"},
            {"publishAndLoad", "publish + verified load"},
            {"cpuPublishAndLoad", "publish + verified load, CPU time of the JVM (all threads)"},
            {"coldPublishAndLoad", "publish + verified load, first round of a fresh JVM (cold JIT)"}
        }) {
            if (st.get(row[0]) != null) {
                row(s, row[1], (Map<String, Object>) st.get(row[0]));
            }
        }
        row(
                s,
                "training examples/s, export approach, epochs after the first, " + tr.get("rounds")
                        + " alternating rounds",
                (Map<String, Object>) tr.get("examplesPerSecond"));
        if (tr.get("exportMillis") != null) {
            row(s, "export of one epoch's minibatches (ms)", (Map<String, Object>) tr.get("exportMillis"));
        }
        return s.toString();
    }

    private static void row(StringBuilder s, String label, Map<String, Object> p) {
        Stats e = (Stats) p.get("encrypted");
        Stats q = (Stats) p.get("plaintext");
        s.append(String.format(
                Locale.ROOT,
                "| %s | %.0f (%.0f-%.0f) | %.0f (%.0f-%.0f) | %.2f |%n",
                label,
                e.median(),
                e.min(),
                e.max(),
                q.median(),
                q.min(),
                q.max(),
                ((Number) p.get("ratio")).doubleValue()));
    }
}
