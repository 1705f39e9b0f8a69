package dev.hearth.store.hadoop;

import static dev.hearth.testing.Bytes.deflated;
import static dev.hearth.testing.Bytes.indexOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.store.AuditEvent;
import dev.hearth.store.CheckpointStore;
import dev.hearth.store.DecryptionException;
import dev.hearth.store.EncryptionInfo;
import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.crypto.ChunkFormat;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.crypto.MasterKeys;
import dev.hearth.store.testing.Drafts;
import dev.hearth.store.testing.TestKeystore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted versions on a local store with a real jceks keystore: format, tampering, keys, encrypt, rekey. */
class EncryptedStoreTest {
    /** Three full chunks and a partial one, below the 1 MiB where the streams start their helper threads. */
    private static final int SIZE = 3 * ChunkFormat.DEFAULT_CHUNK + 12_345;

    private static final int RECORD = 12 + ChunkFormat.DEFAULT_CHUNK + 16;

    @TempDir
    Path dir;

    private TestKeystore keys;
    private Path root;
    private HadoopModelStore store;

    @BeforeEach
    void setUp() throws Exception {
        keys = new TestKeystore(dir);
        keys.create("models", 256);
        root = dir.resolve("store");
        store = HadoopModelStore.open(root.toString(), keys.conf("models"));
    }

    @Test
    void anEncryptedVersionReadsBackWhileTheDiskHoldsOnlyCiphertext() throws Exception {
        ModelVersion v = store.publish("iris", Drafts.random(SIZE, 42));
        byte[] plain = plaintext(SIZE, 42);
        Path versionDir = root.resolve("iris/versions/1");
        assertFalse(Files.exists(versionDir.resolve("model.zip")));
        byte[] onDisk = Files.readAllBytes(versionDir.resolve("model.zip.enc"));
        assertEquals(-1, indexOf(onDisk, Arrays.copyOfRange(plain, 100_000, 100_024)), "a known byte sequence");
        assertTrue(deflated(onDisk) > 0.99 * onDisk.length, "ciphertext must not compress");

        assertArrayEquals(plain, store.readFile(v, "model.zip"));
        store.verify(v);
        EncryptionInfo info = v.metadata().encryption();
        assertEquals("models@0", info.keyVersion());
        assertEquals(3, v.metadata().formatVersion());
        assertEquals(SIZE, v.metadata().files().get("model.zip").size());
        assertEquals(info, store.resolve(ModelRef.parse("iris/1")).metadata().encryption());
    }

    @Test
    void noKeyMaterialIsWrittenIntoTheStore() throws Exception {
        ModelVersion v = store.publish("iris", Drafts.random(1000, 1));
        byte[] dataKey = MasterKeys.open(keys.uri(), new Configuration())
                .unwrap(v.metadata().encryption())
                .getEncoded();
        byte[] master = keys.material("models@0");
        List<byte[]> secrets = List.of(dataKey, master, b64(dataKey), b64(master), hex(dataKey), hex(master));
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(f);
                for (byte[] s : secrets) {
                    assertEquals(-1, indexOf(content, s), "key material in " + f);
                }
            }
        }
    }

    @Test
    void noKeyMaterialReachesTheLogsOrErrorMessages() throws Exception {
        java.io.StringWriter log = new java.io.StringWriter();
        var context =
                (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        var appender = org.apache.logging.log4j.core.appender.WriterAppender.newBuilder()
                .setName("capture")
                .setTarget(log)
                .setLayout(org.apache.logging.log4j.core.layout.PatternLayout.newBuilder()
                        .withPattern("%p %c - %m %ex%n")
                        .build())
                .build();
        appender.start();
        context.getConfiguration().addAppender(appender);
        context.getConfiguration().getRootLogger().addAppender(appender, org.apache.logging.log4j.Level.ALL, null);
        context.getConfiguration()
                .getLoggerConfig("dev.hearth")
                .addAppender(appender, org.apache.logging.log4j.Level.ALL, null);
        context.updateLoggers();
        StringBuilder errors = new StringBuilder();
        byte[] dataKey;
        try {
            HadoopModelStore plainStore = HadoopModelStore.open(root.toString(), new Configuration());
            ModelVersion v1 = plainStore.publish("iris", Drafts.random(1000, 1));
            ModelVersion sealed = store.encrypt(v1, "test");
            keys.roll("models");
            store.rekey(sealed, "test");
            dataKey = MasterKeys.open(keys.uri(), new Configuration())
                    .unwrap(store.resolve(ModelRef.parse("iris/1")).metadata().encryption())
                    .getEncoded();
            Files.write(root.resolve("iris/versions/1/model.zip.enc"), new byte[] {'H', 'R', 'T', 'E', 1, 0, 1, 0, 0});
            for (HadoopModelStore s : List.of(store, plainStore)) {
                try {
                    s.readFile(s.resolve(ModelRef.parse("iris/1")), "model.zip");
                } catch (RuntimeException e) {
                    errors.append(e).append('\n');
                    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                        errors.append(c).append('\n');
                    }
                }
            }
        } finally {
            context.getConfiguration().getRootLogger().removeAppender("capture");
            context.getConfiguration().getLoggerConfig("dev.hearth").removeAppender("capture");
            context.updateLoggers();
            appender.stop();
        }
        String text = log + "\n" + errors;
        assertTrue(log.toString().contains("Re-keyed iris/1"), "logging was captured: " + log);
        assertTrue(
                errors.toString().contains("cannot decrypt")
                        && errors.toString().contains("models@1"),
                text);
        for (byte[] secret : List.of(dataKey, keys.material("models@0"), keys.material("models@1"))) {
            for (String form : List.of(
                    new String(secret, StandardCharsets.ISO_8859_1),
                    Base64.getEncoder().encodeToString(secret),
                    java.util.HexFormat.of().formatHex(secret),
                    Arrays.toString(secret))) {
                assertFalse(text.contains(form), "key material in logs or errors: " + text);
            }
        }
    }

    @Test
    void tamperedFilesAreRefusedNamingTheFile() throws Exception {
        Path enc = root.resolve("iris/versions/1/model.zip.enc");
        ModelVersion v = store.publish("iris", Drafts.random(SIZE, 7));
        byte[] good = Files.readAllBytes(enc);

        byte[] flipped = good.clone();
        flipped[9 + RECORD + 500] ^= 0x10;
        assertRefused(v, enc, flipped, "chunk 1 failed authentication");

        byte[] truncated = Arrays.copyOf(good, 9 + 2 * RECORD);
        assertRefused(v, enc, truncated, "chunk 1 (the last one present) failed authentication");

        byte[] swapped = good.clone();
        System.arraycopy(good, 9, swapped, 9 + RECORD, RECORD);
        System.arraycopy(good, 9 + RECORD, swapped, 9, RECORD);
        assertRefused(v, enc, swapped, "chunk 0 failed authentication");

        Files.write(enc, good);
        assertArrayEquals(plaintext(SIZE, 7), store.readFile(v, "model.zip"));
    }

    @Test
    void aLargeVersionGoesThroughTheHelperThreadsAndAFailedWriterLeavesNoneRunning() throws Exception {
        // Above 1 MiB the streams seal and open on helper threads: same guarantees, nothing left running.
        int size = 24 * ChunkFormat.DEFAULT_CHUNK + 12_345;
        ModelVersion v = store.publish("iris", Drafts.random(size, 31));
        assertArrayEquals(plaintext(size, 31), store.readFile(v, "model.zip"));
        store.verify(v);
        Path enc = root.resolve("iris/versions/1/model.zip.enc");
        byte[] good = Files.readAllBytes(enc);
        byte[] flipped = good.clone();
        flipped[9 + 20 * RECORD + 77] ^= 0x01;
        assertRefused(v, enc, flipped, "chunk 20 failed authentication");
        Files.write(enc, good);

        ModelDraft failing = new ModelDraft(
                "test-format", Drafts.signature(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of("model.zip", out -> {
                    Drafts.random(size, 32).files().get("model.zip").writeTo(out);
                    throw new java.io.IOException("the model writer broke");
                }));
        Exception e = assertThrows(Exception.class, () -> store.publish("iris", failing));
        assertTrue(
                String.valueOf(e.getMessage()).contains("the model writer broke")
                        || String.valueOf(e.getCause()).contains("the model writer broke"),
                String.valueOf(e));
        dev.hearth.store.crypto.HelperThreads.assertNoneLeft();
        assertArrayEquals(plaintext(size, 31), store.readFile(store.resolve(ModelRef.parse("iris")), "model.zip"));
    }

    @Test
    void swappedWrappedKeysOfTwoVersionsAreRefusedNamingTheFile() throws Exception {
        store.publish("iris", Drafts.random(5000, 1));
        store.publish("iris", Drafts.random(5000, 2));
        MetadataJson json = new MetadataJson();
        Path m1 = root.resolve("iris/versions/1/metadata.json");
        Path m2 = root.resolve("iris/versions/2/metadata.json");
        ObjectNode t1 = (ObjectNode) json.mapper().readTree(m1.toFile());
        ObjectNode t2 = (ObjectNode) json.mapper().readTree(m2.toFile());
        var e1 = t1.get("encryption");
        t1.set("encryption", t2.get("encryption"));
        t2.set("encryption", e1);
        Files.write(m1, json.mapper().writeValueAsBytes(t1));
        Files.write(m2, json.mapper().writeValueAsBytes(t2));
        for (int n = 1; n <= 2; n++) {
            ModelVersion v = store.resolve(ModelRef.parse("iris/" + n));
            DecryptionException e = assertThrows(DecryptionException.class, () -> store.readFile(v, "model.zip"));
            assertTrue(
                    e.getMessage()
                            .contains(root.resolve("iris/versions/" + n + "/model.zip.enc")
                                    .toString()),
                    e.getMessage());
            assertThrows(DecryptionException.class, () -> store.verify(v));
        }
    }

    @Test
    void aReaderWithoutTheKeyGetsAnErrorNamingIt() throws Exception {
        ModelVersion v = store.publish("iris", Drafts.random(1000, 3));
        HadoopModelStore noProvider = HadoopModelStore.open(root.toString(), new Configuration());
        KeyUnavailableException e = assertThrows(
                KeyUnavailableException.class,
                () -> noProvider.readFile(noProvider.resolve(ModelRef.parse("iris")), "model.zip"));
        assertTrue(e.getMessage().contains("cannot read iris/1"), e.getMessage());
        assertTrue(e.getMessage().contains("'models' (version models@0)"), e.getMessage());
        assertTrue(e.getMessage().contains(EncryptionSettings.KEY_PROVIDER), e.getMessage());

        TestKeystore other = new TestKeystore(Files.createDirectories(dir.resolve("other")));
        other.create("unrelated", 256);
        HadoopModelStore wrongKeystore = HadoopModelStore.open(root.toString(), other.conf(null));
        KeyUnavailableException e2 =
                assertThrows(KeyUnavailableException.class, () -> wrongKeystore.readFile(v, "model.zip"));
        assertTrue(e2.getMessage().contains("master key 'models' version models@0"), e2.getMessage());
        assertEquals("models@0", e2.keyVersion());
    }

    @Test
    void plaintextVersionsStayReadableAndAreEncryptedInPlace() throws Exception {
        HadoopModelStore plainStore = HadoopModelStore.open(root.toString(), new Configuration());
        ModelVersion v1 = plainStore.publish("iris", Drafts.random(SIZE, 11));
        store.publish("iris", Drafts.random(1000, 12));
        store.setAlias("iris", "production", 1, null, "first");
        assertNull(v1.metadata().encryption());
        assertArrayEquals(plaintext(SIZE, 11), store.readFile(store.resolve(ModelRef.parse("iris/1")), "model.zip"));

        ModelVersion encrypted = store.encrypt(v1, "policy");
        assertEquals(1, encrypted.version());
        assertEquals("models@0", encrypted.metadata().encryption().keyVersion());
        assertFalse(Files.exists(root.resolve("iris/versions/1/model.zip")), "plaintext removed");
        assertTrue(Files.exists(root.resolve("iris/versions/1/model.zip.enc")));
        assertEquals(Map.of("production", 1), store.aliases("iris"));
        assertEquals(v1.metadata().createdAt(), encrypted.metadata().createdAt());
        assertEquals(v1.metadata().files(), encrypted.metadata().files());
        // A reader that resolved the version before the conversion still reads it (once more, with new metadata).
        assertArrayEquals(plaintext(SIZE, 11), store.readFile(v1, "model.zip"));
        assertArrayEquals(
                plaintext(SIZE, 11), store.readFile(store.resolve(ModelRef.parse("iris@production")), "model.zip"));
        AuditEvent event = store.auditLog("iris").stream()
                .filter(a -> a.action().equals("encrypt"))
                .findFirst()
                .orElseThrow();
        assertTrue(event.reason().contains("models@0") && event.reason().contains("policy"), event.reason());
        // Again: nothing to do.
        assertEquals(
                encrypted.metadata().encryption(),
                store.encrypt(encrypted, null).metadata().encryption());
    }

    @Test
    void rekeyRewrapsUnderTheRolledKeySoTheOldVersionCanBeRetired() throws Exception {
        ModelVersion v1 = store.publish("iris", Drafts.random(SIZE, 21));
        ModelVersion v2 = store.publish("iris", Drafts.random(1000, 22));
        assertEquals("models@1", keys.roll("models"));
        ModelVersion r1 = store.rekey(v1, "rotation");
        assertEquals("models@1", r1.metadata().encryption().keyVersion());
        assertEquals(v1.metadata().files(), r1.metadata().files());
        assertEquals(
                r1.metadata().encryption(), store.rekey(r1, null).metadata().encryption(), "already current");
        byte[] before = Files.readAllBytes(root.resolve("iris/versions/1/model.zip.enc"));

        keys.retire("models@0");
        // A fresh process (this one caches the data keys it already unwrapped or generated).
        HadoopModelStore later = HadoopModelStore.open(root.toString(), keys.conf("models"));
        assertArrayEquals(plaintext(SIZE, 21), later.readFile(later.resolve(ModelRef.parse("iris/1")), "model.zip"));
        assertArrayEquals(plaintext(SIZE, 21), later.readFile(v1, "model.zip"), "stale metadata: read again");
        assertArrayEquals(before, Files.readAllBytes(root.resolve("iris/versions/1/model.zip.enc")), "no rewrite");
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> later.readFile(v2, "model.zip"));
        assertTrue(e.getMessage().contains("models@0"), e.getMessage());
        assertTrue(store.auditLog("iris").stream()
                .anyMatch(a -> a.action().equals("rekey") && a.reason().contains("models@0 to models@1")));
    }

    @Test
    void aMasterKeyShorterThan256BitsIsRefused() throws Exception {
        keys.create("short", 128);
        HadoopModelStore s = HadoopModelStore.open(root.toString(), keys.conf("short"));
        KeyUnavailableException e =
                assertThrows(KeyUnavailableException.class, () -> s.publish("iris", Drafts.random(10, 1)));
        assertTrue(e.getMessage().contains("'short'") && e.getMessage().contains("has 128 bits"), e.getMessage());
        assertTrue(s.listVersions("iris").isEmpty());
    }

    @Test
    void aPerModelOverrideChoosesAnotherMasterKey() throws Exception {
        keys.create("digits-key", 256);
        Configuration conf = keys.conf("models");
        conf.set(EncryptionSettings.KEY_OVERRIDES, "digits=digits-key");
        HadoopModelStore s = HadoopModelStore.open(root.toString(), conf);
        assertEquals(
                "digits-key@0",
                s.publish("digits", Drafts.random(10, 1))
                        .metadata()
                        .encryption()
                        .keyVersion());
        assertEquals(
                "models@0",
                s.publish("iris", Drafts.random(10, 1)).metadata().encryption().keyVersion());
    }

    @Test
    void checkpointsAreEncryptedToo() throws Exception {
        CheckpointStore checkpoints = new HadoopCheckpointStore(root.toString(), keys.conf("models"));
        byte[] plain = plaintext(100_000, 5);
        checkpoints.save("iris", "run1", 1, Map.of("checkpoint.zip", out -> out.write(plain)));
        Path epoch = root.resolve("iris/_checkpoints/run1/epoch-1");
        assertTrue(Files.exists(epoch.resolve("checkpoint.zip.enc")));
        assertFalse(Files.exists(epoch.resolve("checkpoint.zip")));
        assertEquals(
                -1,
                indexOf(
                        Files.readAllBytes(epoch.resolve("checkpoint.zip.enc")),
                        Arrays.copyOfRange(plain, 5000, 5020)));
        assertArrayEquals(plain, checkpoints.latest("iris").orElseThrow().read("checkpoint.zip"));
        CheckpointStore noKey = new HadoopCheckpointStore(root.toString(), new Configuration());
        assertThrows(
                KeyUnavailableException.class,
                () -> noKey.latest("iris").orElseThrow().read("checkpoint.zip"));
    }

    private void assertRefused(ModelVersion v, Path enc, byte[] content, String reason) throws Exception {
        Files.write(enc, content);
        DecryptionException e = assertThrows(DecryptionException.class, () -> store.readFile(v, "model.zip"));
        assertTrue(e.getMessage().contains(enc.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertThrows(DecryptionException.class, () -> store.verify(v));
    }

    static byte[] plaintext(int size, long seed) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Drafts.random(size, seed).files().get("model.zip").writeTo(out);
        return out.toByteArray();
    }

    private static byte[] b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b).getBytes(StandardCharsets.US_ASCII);
    }
}
