package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class ModelZipGuardTest {
    private static final byte[] CONFIG = "{\"confs\":[]}".getBytes(StandardCharsets.UTF_8);
    /** 1,000 random floats as {@code Nd4j.write} stores them (random, so they do not compress). */
    private static final byte[] PARAMS = ndArray(1000, 1000);

    /** An ND4J array file: a shape buffer of 8 longs, then a FLOAT buffer declaring {@code declared} elements. */
    private static byte[] ndArray(long declared, int actualFloats) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeUTF("MIXED_DATA_TYPES");
            out.writeLong(8);
            out.writeUTF("LONG");
            for (long v : new long[] {2, 1, declared, declared, 1, 0, 1, 99}) {
                out.writeLong(v);
            }
            out.writeUTF("MIXED_DATA_TYPES");
            out.writeLong(declared);
            out.writeUTF("FLOAT");
            byte[] data = new byte[actualFloats * 4];
            new java.util.Random(7).nextBytes(data);
            out.write(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Test
    void refusesArrayHeadersThatDeclareMoreThanTheEntryHolds() {
        // 40 bytes of data declaring 2^40 floats: Nd4j.read would allocate 4 TiB off-heap before reading.
        byte[] bomb = zip(Map.of("configuration.json", CONFIG, "coefficients.bin", ndArray(1L << 40, 10)));
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(bomb, "model.zip of digits/3"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("model.zip of digits/3 entry 'coefficients.bin': data buffer declares "
                        + "1099511627776 FLOAT elements but the entry holds 40 more bytes");
        byte[] negative = zip(Map.of("configuration.json", CONFIG, "coefficients.bin", ndArray(-1, 10)));
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(negative, "m")).hasMessageContaining("declares -1 FLOAT");
        byte[] garbage = zip(Map.of("configuration.json", CONFIG, "coefficients.bin", new byte[] {0, 3, 'a'}));
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(garbage, "m"))
                .hasMessageContaining("does not start with ND4J array headers");
        byte[] updater = zip(Map.of(
                "configuration.json", CONFIG, "coefficients.bin", PARAMS, "updaterState.bin", ndArray(1L << 33, 1)));
        assertThatThrownBy(() -> ModelZipGuard.CHECKPOINT.check(updater, "c"))
                .hasMessageContaining("'updaterState.bin': data buffer declares 8589934592 FLOAT");
    }

    @Test
    void acceptsWhatHearthWritesAndHandsBackTheSameBytes() throws IOException {
        byte[] zip = zip(Map.of("configuration.json", CONFIG, "coefficients.bin", PARAMS));
        assertThat(ModelZipGuard.MODEL.open(zip, "model.zip of digits/3").readAllBytes())
                .isEqualTo(zip);
        byte[] checkpoint =
                zip(Map.of("configuration.json", CONFIG, "coefficients.bin", PARAMS, "updaterState.bin", PARAMS));
        ModelZipGuard.CHECKPOINT.check(checkpoint, "network.zip of checkpoint r1");
    }

    @Test
    void refusesAnEntryHearthNeverWritesNamingIt() {
        byte[] zip =
                zip(Map.of("configuration.json", CONFIG, "coefficients.bin", PARAMS, "preprocessor.bin", new byte[] {
                    (byte) 0xac, (byte) 0xed, 0, 5
                }));
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(zip, "model.zip of digits/3"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("model.zip of digits/3 has entry 'preprocessor.bin', which Hearth never writes;"
                        + " refusing to load it")
                .hasMessageContaining("allowed: coefficients.bin, configuration.json");
        // Updater state is a checkpoint's, never a served model's; normalizer.bin Hearth never writes at all.
        byte[] updater =
                zip(Map.of("configuration.json", CONFIG, "coefficients.bin", PARAMS, "updaterState.bin", PARAMS));
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(updater, "m"))
                .hasMessageContaining("'updaterState.bin', which Hearth never writes");
        byte[] normalizer =
                zip(Map.of("configuration.json", CONFIG, "coefficients.bin", PARAMS, "normalizer.bin", PARAMS));
        assertThatThrownBy(() -> ModelZipGuard.CHECKPOINT.check(normalizer, "c"))
                .hasMessageContaining("'normalizer.bin', which Hearth never writes");
    }

    @Test
    void refusesDirectoriesDuplicatesMissingEntriesAndControlCharacters() {
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(
                        zip(Map.of("configuration.json", CONFIG, "lib/", new byte[0], "coefficients.bin", PARAMS)),
                        "m"))
                .hasMessageContaining("has entry 'lib/'");
        byte[] twice = raw(
                stored("configuration.json", CONFIG),
                stored("coefficients.bin", PARAMS),
                stored("configuration.json", CONFIG));
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(twice, "m"))
                .hasMessage("m has entry 'configuration.json' twice; refusing to load it");
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(zip(Map.of("configuration.json", CONFIG)), "m"))
                .hasMessageContaining("m lacks entry 'coefficients.bin'");
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check("not a zip".getBytes(StandardCharsets.UTF_8), "m"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("lacks entry");
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(zip(Map.of("a\nb.bin", CONFIG)), "m"))
                .hasMessageContaining("has entry 'a\\u000ab.bin'");
    }

    @Test
    void refusesAZipBombByActualSize() {
        // 8 MiB of zeros deflate to ~8 KiB: far past 100x the file (and past the 1 MiB floor).
        byte[] bomb = zip(Map.of("configuration.json", CONFIG, "coefficients.bin", new byte[8 << 20]));
        assertThat(bomb.length).isLessThan(64 << 10);
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(bomb, "model.zip of digits/4"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("entry 'coefficients.bin' inflates to")
                .hasMessageContaining("a " + bomb.length + "-byte zip may expand to");
    }

    @Test
    void refusesADeclaredSizeBeforeInflatingAnything() {
        // A local header declaring 1.5 GB uncompressed over 3 bytes of deflate data: DL4J would allocate 1.5 GB.
        byte[] lie = raw(
                stored("configuration.json", CONFIG),
                header("coefficients.bin", 8, 0, 3, 1_500_000_000L, new byte[] {3, 0, 0}));
        assertThatThrownBy(() -> ModelZipGuard.MODEL.check(lie, "model.zip of digits/5"))
                .hasMessageContaining("entry 'coefficients.bin' declares")
                .hasMessageContaining("more than the 1048576");
    }

    @Test
    void aLargeRealisticModelPasses() {
        byte[] params = ndArray(3 << 19, 3 << 19); // 1.5 M random floats (6 MiB) barely compress
        ModelZipGuard.MODEL.check(zip(Map.of("configuration.json", CONFIG, "coefficients.bin", params)), "big");
    }

    private static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : new LinkedHashMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Local entry headers back to back, no central directory: all that ZipInputStream (and DL4J) reads. */
    private static byte[] raw(byte[]... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] e : entries) {
            out.writeBytes(e);
        }
        return out.toByteArray();
    }

    private static byte[] stored(String name, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return header(name, 0, crc.getValue(), data.length, data.length, data);
    }

    private static byte[] header(String name, int method, long crc, long compressed, long size, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(30 + n.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50)
                .putShort((short) 20)
                .putShort((short) 0)
                .putShort((short) method)
                .putShort((short) 0)
                .putShort((short) 0x21)
                .putInt((int) crc)
                .putInt((int) compressed)
                .putInt((int) size)
                .putShort((short) n.length)
                .putShort((short) 0)
                .put(n)
                .put(data);
        return b.array();
    }
}
