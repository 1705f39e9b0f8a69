package dev.hearth.bench;

import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.testing.Trees;
import dev.hearth.testing.hdfs.MiniHdfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model store speed: Hearth's publish (stage, SHA-256, hsync, atomic commit) and verified load (resolve, read with
 * SHA-256 verification) of a real ~10 M-parameter DL4J model against a plain Hadoop {@code FileSystem} write and
 * read of the same bytes, on the local file system and (full mode only) on an in-process HDFS. Rounds alternate
 * Hearth and baseline after warm-up; the ratio is Hearth's median over the baseline's.
 */
final class StoreBench implements Benchmark {
    private static final Logger LOG = LoggerFactory.getLogger(StoreBench.class);

    private final Path root;
    private final boolean quick;

    /**
     * @param root Hearth's root directory; scratch data goes to a temporary directory under {@code bench/target}
     * @param quick local file system only, one warm-up and two measured rounds (well under 20 s)
     */
    StoreBench(Path root, boolean quick) {
        this.root = root;
        this.quick = quick;
    }

    @Override
    public String name() {
        return "store";
    }

    @Override
    public Map<String, Object> run() throws Exception {
        BenchModelFiles files = BenchModelFiles.build();
        LOG.info(
                "Store benchmark: {} parameters, {} bytes in {} files",
                files.parameters(),
                files.bytes(),
                files.files().size());
        Path work = scratch();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("parameters", files.parameters());
        result.put("modelBytes", files.model().length);
        result.put("totalBytes", files.bytes());
        result.put("files", new ArrayList<>(files.files().keySet()));
        Map<String, Object> backends = new LinkedHashMap<>();
        try {
            backends.put("local", local(work, files));
            if (!quick) {
                backends.put("hdfs", hdfs(work, files));
            }
        } finally {
            Trees.delete(work);
        }
        result.put("backends", backends);
        result.put("ratioLocal", ratioOf(backends.get("local")));
        if (backends.containsKey("hdfs")) {
            result.put("ratioHdfs", ratioOf(backends.get("hdfs")));
        }
        return result;
    }

    private Map<String, Object> local(Path work, BenchModelFiles files) throws IOException {
        Configuration conf = new Configuration();
        HadoopModelStore store = HadoopModelStore.open(work.resolve("store").toString(), conf);
        // The store writes through the raw local file system (no .crc side files); so does the baseline.
        FileSystem fs = FileSystem.getLocal(conf).getRaw();
        StoreRounds rounds = new StoreRounds(
                store, fs, new org.apache.hadoop.fs.Path(work.resolve("copy").toUri()), files, signature());
        return summary(rounds.run("local", quick ? 1 : 2, quick ? 2 : 7), quick ? 1 : 2);
    }

    private Map<String, Object> hdfs(Path work, BenchModelFiles files) throws IOException {
        try (MiniHdfs hdfs = MiniHdfs.start(work.resolve("hdfs"))) {
            HadoopModelStore store = HadoopModelStore.open(hdfs.uri("store"), hdfs.configuration());
            StoreRounds rounds = new StoreRounds(
                    store, hdfs.fileSystem(), new org.apache.hadoop.fs.Path("/copy"), files, signature());
            return summary(rounds.run("hdfs", 2, 5), 2);
        }
    }

    private static Map<String, Object> summary(StoreRounds.Times t, int warmup) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("warmupRounds", warmup);
        m.put("publish", pair(t.publish(), t.write()));
        m.put("load", pair(t.load(), t.read()));
        m.put(
                "publishAndLoad",
                pair(StoreRounds.Times.sum(t.publish(), t.load()), StoreRounds.Times.sum(t.write(), t.read())));
        m.put("publishVsDurableWrite", pair(t.publish(), t.durableWrite()));
        m.put("sha256Millis", Stats.of(t.sha256()));
        return m;
    }

    /** Headline ratio of a backend: publish + verified load over write + read. */
    @SuppressWarnings("unchecked")
    private static Object ratioOf(Object backend) {
        return ((Map<String, Object>) ((Map<String, Object>) backend).get("publishAndLoad")).get("ratio");
    }

    private static Map<String, Object> pair(List<Double> hearth, List<Double> baseline) {
        Stats h = Stats.of(hearth);
        Stats b = Stats.of(baseline);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hearthMillis", h);
        m.put("baselineMillis", b);
        m.put("ratio", h.median() / b.median());
        return m;
    }

    private static final String[][] ROWS = {
        {"publish", "publish vs write"},
        {"load", "verified load vs read"},
        {"publishAndLoad", "publish + load vs write + read"},
        {"publishVsDurableWrite", "publish vs write with hsync"},
    };

    @Override
    @SuppressWarnings("unchecked")
    public String markdown(Map<String, Object> result) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "### Model store (%,d-parameter DL4J model: model.zip of %,d bytes " + "+ evaluation.json)%n%n",
                ((Number) result.get("parameters")).longValue(),
                ((Number) result.get("modelBytes")).longValue()));
        s.append("Hearth publish = stage, SHA-256, hsync, atomic commit; verified load = resolve latest + read "
                + "model.zip with SHA-256 check. Baseline: plain Hadoop `FileSystem` write of the same files / read "
                + "of model.zip (no hash, no sync). Milliseconds, median (min-max); reads hit the page cache.\n\n");
        s.append("| backend | operation | Hearth | copy | ratio |\n|---|---|---|---|---|\n");
        Map<String, Object> backends = (Map<String, Object>) result.get("backends");
        for (Map.Entry<String, Object> b : backends.entrySet()) {
            Map<String, Object> r = (Map<String, Object>) b.getValue();
            for (String[] row : ROWS) {
                Map<String, Object> p = (Map<String, Object>) r.get(row[0]);
                s.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %.2f |%n",
                        b.getKey(),
                        row[1],
                        cell((Stats) p.get("hearthMillis")),
                        cell((Stats) p.get("baselineMillis")),
                        ((Number) p.get("ratio")).doubleValue()));
            }
            s.append(String.format(
                    Locale.ROOT,
                    "| %s | SHA-256 of the bytes in memory (floor of verification) " + "| %s | | |%n",
                    b.getKey(),
                    cell((Stats) r.get("sha256Millis"))));
        }
        return s.toString();
    }

    private static String cell(Stats st) {
        return String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", st.median(), st.min(), st.max());
    }

    private Path scratch() throws IOException {
        Path target = root.resolve("bench").resolve("target");
        return Files.isDirectory(target)
                ? Files.createTempDirectory(target, "store-bench-")
                : Files.createTempDirectory("hearth-store-bench-");
    }

    private static Signature signature() {
        return new Signature(
                "input",
                "FP32",
                784,
                List.of(),
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                NormalizerSpec.none());
    }
}
