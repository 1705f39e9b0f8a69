package dev.hearth.store.testing;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Model drafts for tests: small text models and large seeded-random ones streamed without holding them. */
public final class Drafts {
    private Drafts() {}

    /** A signature with two features and two labels. */
    public static Signature signature() {
        return new Signature(
                "input",
                "FP32",
                2,
                List.of("x", "y"),
                List.of("no", "yes"),
                new NormalizerSpec("minmax", new double[] {0, 0}, new double[] {1, 2}, null, null));
    }

    /** A draft whose model.zip holds {@code content}, with accuracy {@code accuracy}. */
    public static ModelDraft text(String content, double accuracy) {
        return new ModelDraft(
                "test-format",
                signature(),
                Map.of("accuracy", accuracy),
                Map.of("train.epochs", "3"),
                Map.of("dataset", "file:/data.csv"),
                Map.of("team", "ml"),
                Map.of("model.zip", out -> out.write(content.getBytes(StandardCharsets.UTF_8))));
    }

    /** A draft whose model.zip holds {@code bytes} seeded-random bytes, streamed in 64 KiB chunks. */
    public static ModelDraft random(long bytes, long seed) {
        return new ModelDraft(
                "test-format",
                signature(),
                Map.of("accuracy", 0.5),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of("model.zip", out -> writeRandom(out, bytes, seed)));
    }

    private static void writeRandom(OutputStream out, long bytes, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 16];
        for (long left = bytes; left > 0; left -= buf.length) {
            r.nextBytes(buf);
            out.write(buf, 0, (int) Math.min(buf.length, left));
        }
    }
}
