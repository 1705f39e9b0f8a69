package dev.hearth.bench;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Sha256;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alternating rounds on one file system: Hearth's publish (stage, hash, sync, commit) and verified load (resolve the
 * latest version, read {@code model.zip} with SHA-256 verification) against a plain {@link FileSystem} write of the
 * same files and a plain read of the model file. Also times a plain write that {@code hsync}s each file (what
 * durability alone costs) and SHA-256 of the bytes in memory (the floor of verification). Every round removes
 * what it wrote, outside the timed parts.
 */
final class StoreRounds {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRounds.class);
    private static final String MODEL = "bench";

    /** Milliseconds per measured round, in round order. */
    record Times(
            List<Double> publish,
            List<Double> load,
            List<Double> write,
            List<Double> read,
            List<Double> durableWrite,
            List<Double> sha256) {
        Times() {
            this(
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>());
        }

        /** Element-wise sum of two series (a publish and the following load form one round trip). */
        static List<Double> sum(List<Double> a, List<Double> b) {
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                out.add(a.get(i) + b.get(i));
            }
            return out;
        }
    }

    private final HadoopModelStore store;
    private final FileSystem fs;
    private final Path copyDir;
    private final BenchModelFiles files;
    private final Signature signature;

    /**
     * @param store the store under test
     * @param fs the file system of the baseline: the same one the store writes to (raw local FS for {@code file:})
     * @param copyDir where the baseline writes, on {@code fs}
     */
    StoreRounds(HadoopModelStore store, FileSystem fs, Path copyDir, BenchModelFiles files, Signature signature) {
        this.store = store;
        this.fs = fs;
        this.copyDir = copyDir;
        this.files = files;
        this.signature = signature;
    }

    /** Runs {@code warmup} unrecorded rounds, then {@code repeats} recorded ones; the order flips every round. */
    Times run(String backend, int warmup, int repeats) throws IOException {
        Times t = new Times();
        for (int round = 0; round < warmup + repeats; round++) {
            boolean record = round >= warmup;
            Path dir = new Path(copyDir, "round-" + round);
            double[] hearth = new double[2];
            double[] plain = new double[2];
            if (round % 2 == 0) {
                hearth = hearthRound();
                plain = plainRound(dir);
            } else {
                plain = plainRound(dir);
                hearth = hearthRound();
            }
            double durable = durableWrite(new Path(copyDir, "durable-" + round));
            double hash = sha256();
            LOG.info(
                    "{} round {}{}: publish {} ms, load {} ms, write {} ms, read {} ms, write+hsync {} ms, "
                            + "sha256 {} ms",
                    backend,
                    round,
                    record ? "" : " (warm-up)",
                    ms(hearth[0]),
                    ms(hearth[1]),
                    ms(plain[0]),
                    ms(plain[1]),
                    ms(durable),
                    ms(hash));
            if (record) {
                t.publish().add(hearth[0]);
                t.load().add(hearth[1]);
                t.write().add(plain[0]);
                t.read().add(plain[1]);
                t.durableWrite().add(durable);
                t.sha256().add(hash);
            }
        }
        return t;
    }

    /** Publish, then verified load; the version is deleted afterwards (untimed). */
    private double[] hearthRound() throws IOException {
        Map<String, ModelDraft.FileWriter> writers = new LinkedHashMap<>();
        files.files().forEach((name, bytes) -> writers.put(name, out -> out.write(bytes)));
        ModelDraft draft = new ModelDraft(
                "dl4j-multilayer", signature, Map.of("accuracy", 0.87), Map.of(), Map.of(), Map.of(), writers);
        long t0 = System.nanoTime();
        ModelVersion published = store.publish(MODEL, draft);
        long t1 = System.nanoTime();
        ModelVersion resolved = store.resolve(ModelRef.parse(MODEL));
        byte[] model = store.readFile(resolved, BenchModelFiles.MODEL_FILE);
        long t2 = System.nanoTime();
        check(model.length);
        store.delete(MODEL, published.version(), "benchmark round done");
        return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6};
    }

    /** Plain write of every file, then a plain read of the model file; the directory is deleted afterwards. */
    private double[] plainRound(Path dir) throws IOException {
        long t0 = System.nanoTime();
        fs.mkdirs(dir);
        for (Map.Entry<String, byte[]> f : files.files().entrySet()) {
            try (FSDataOutputStream out = fs.create(new Path(dir, f.getKey()), false)) {
                out.write(f.getValue());
            }
        }
        long t1 = System.nanoTime();
        Path model = new Path(dir, BenchModelFiles.MODEL_FILE);
        byte[] bytes = new byte[Math.toIntExact(fs.getFileStatus(model).getLen())];
        try (FSDataInputStream in = fs.open(model)) {
            in.readFully(bytes);
        }
        long t2 = System.nanoTime();
        check(bytes.length);
        fs.delete(dir, true);
        return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6};
    }

    /** Plain write of every file with an {@code hsync} before each close. */
    private double durableWrite(Path dir) throws IOException {
        long t0 = System.nanoTime();
        fs.mkdirs(dir);
        for (Map.Entry<String, byte[]> f : files.files().entrySet()) {
            try (FSDataOutputStream out = fs.create(new Path(dir, f.getKey()), false)) {
                out.write(f.getValue());
                out.hsync();
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        fs.delete(dir, true);
        return ms;
    }

    /** SHA-256 of every file's bytes in memory. */
    private double sha256() {
        long t0 = System.nanoTime();
        for (byte[] b : files.files().values()) {
            MessageDigest d = Sha256.newDigest();
            d.update(b);
            d.digest();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private void check(int length) {
        if (length != files.model().length) {
            throw new IllegalStateException("read " + length + " bytes of " + BenchModelFiles.MODEL_FILE + " but wrote "
                    + files.model().length);
        }
    }

    private static String ms(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
