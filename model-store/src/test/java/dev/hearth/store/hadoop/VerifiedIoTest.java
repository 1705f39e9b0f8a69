package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.IntegrityException;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Sha256;
import dev.hearth.store.testing.Drafts;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hashing while writing and while reading (helper thread), for small and multi-MiB files and every write shape. */
class VerifiedIoTest {
    @TempDir
    Path dir;

    private HadoopModelStore store() {
        return HadoopModelStore.open(dir.toString(), new Configuration());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static ModelDraft draft(ModelDraft.FileWriter writer) {
        return new ModelDraft(
                "test-format", Drafts.signature(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of("model.zip", writer));
    }

    @Test
    void hashAndBytesMatchWhateverTheWriteSizes() throws Exception {
        byte[] bytes = random(5_000_123);
        HadoopModelStore store = store();
        ModelDraft[] drafts = {
            draft(out -> out.write(bytes)),
            draft(out -> {
                for (int off = 0; off < bytes.length; off += 512) {
                    out.write(bytes, off, Math.min(512, bytes.length - off));
                }
            }),
            draft(out -> {
                out.write(bytes, 0, 10);
                out.write(bytes[10]);
                out.write(bytes, 11, 3 << 20);
                out.write(bytes, 11 + (3 << 20), bytes.length - 11 - (3 << 20));
                out.close(); // DL4J closes the stream it gets; the store must still sync and measure it
            }),
        };
        for (ModelDraft d : drafts) {
            ModelVersion v = store.publish("m", d);
            assertThat(v.metadata().files().get("model.zip").sha256()).isEqualTo(Sha256.hex(bytes));
            assertThat(v.metadata().files().get("model.zip").size()).isEqualTo(bytes.length);
            assertThat(store.readFile(v, "model.zip")).isEqualTo(bytes);
            store.verify(v);
        }
    }

    @Test
    void alteredTruncatedAndExtendedLargeFilesFailWithTheActualHash() throws Exception {
        byte[] bytes = random(3_000_000);
        HadoopModelStore store = store();
        ModelVersion v = store.publish("m", draft(out -> out.write(bytes)));
        Path file = dir.resolve("m/versions/1/model.zip");
        String expected = v.metadata().files().get("model.zip").sha256();
        byte[][] variants = {
            flip(bytes, 2_500_000), Arrays.copyOf(bytes, bytes.length - 1), Arrays.copyOf(bytes, bytes.length + 1)
        };
        for (byte[] stored : variants) {
            Files.write(file, stored);
            assertThatThrownBy(() -> store.readFile(v, "model.zip"))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("expected sha256 " + expected)
                    .hasMessageContaining("but was " + Sha256.hex(stored));
            assertThatThrownBy(() -> store.verify(v))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("but was " + Sha256.hex(stored));
        }
    }

    @Test
    void localFilesGetTheUsualPermissions() throws Exception {
        store().publish("m", draft(out -> out.write(1)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("m/versions/1/model.zip"))))
                .isEqualTo(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")))));
    }

    @Test
    void hashingStreamGathersSmallWritesAndOnlyFlushesOnClose() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        byte[] bytes = random(2_000_000);
        HashingOutputStream out = new HashingOutputStream(sink);
        for (int off = 0; off < bytes.length; off += 700) {
            out.write(bytes, off, Math.min(700, bytes.length - off));
        }
        out.close();
        assertThat(out.finish()).isEqualTo(Sha256.hex(bytes));
        assertThat(sink.toByteArray()).isEqualTo(bytes);
    }

    private static byte[] flip(byte[] bytes, int at) {
        byte[] b = bytes.clone();
        b[at] ^= 0x10;
        return b;
    }
}
