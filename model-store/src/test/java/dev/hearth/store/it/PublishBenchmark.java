package dev.hearth.store.it;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.Sha256;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.Drafts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;

/**
 * Publish time of a ~10 M-parameter model (40 MB of float32 bytes) against a plain copy of the same bytes
 * ({@link FileSystem#copyFromLocalFile}) on the same file system, in the same run; best of three each.
 */
final class PublishBenchmark {
    static final int BYTES = 40_000_000;
    private static final int ROUNDS = 3;

    private PublishBenchmark() {}

    /**
     * @param publishMillis best publish time
     * @param copyMillis best copy time
     * @param hashMillis best time to SHA-256 the bytes in memory, part of every publish
     */
    record Result(double publishMillis, double copyMillis, double hashMillis) {
        String describe(String backend) {
            return String.format(
                    Locale.ROOT,
                    "publish vs copy, %s, %d bytes: publish %.0f ms, copy %.0f ms, "
                            + "ratio %.2f (best of %d; SHA-256 of the bytes alone %.0f ms)%n",
                    backend,
                    BYTES,
                    publishMillis,
                    copyMillis,
                    publishMillis / copyMillis,
                    ROUNDS,
                    hashMillis);
        }
    }

    static Result run(HadoopModelStore store, FileSystem fs, org.apache.hadoop.fs.Path copyDir, Path local)
            throws IOException {
        byte[] bytes = new byte[BYTES];
        new Random(10_000_000L).nextBytes(bytes);
        Files.write(local, bytes);
        ModelDraft draft = new ModelDraft(
                "bench",
                Drafts.signature(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of("model.zip", out -> out.write(bytes)));
        double publish = Double.MAX_VALUE;
        double copy = Double.MAX_VALUE;
        double hash = Double.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            store.publish("bench", draft);
            publish = Math.min(publish, (System.nanoTime() - t0) / 1e6);
            long t1 = System.nanoTime();
            fs.copyFromLocalFile(
                    false,
                    true,
                    new org.apache.hadoop.fs.Path(local.toUri()),
                    new org.apache.hadoop.fs.Path(copyDir, "copy-" + i + ".bin"));
            copy = Math.min(copy, (System.nanoTime() - t1) / 1e6);
            long t2 = System.nanoTime();
            Sha256.hex(bytes);
            hash = Math.min(hash, (System.nanoTime() - t2) / 1e6);
        }
        return new Result(publish, copy, hash);
    }
}
