package dev.hearth.store.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.store.EncryptionInfo;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.Drafts;
import dev.hearth.store.testing.TestKeystore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL trials of {@code models encrypt} and {@code models rekey} (20 each, fixed seed): a JVM converting or
 * re-keying every version of a model is killed at a random moment after it started working; afterwards every
 * version reads back (SHA-256 of the plaintext verified) and its metadata names exactly one way it is sealed
 * (plaintext or one master key version). A final uninterrupted run finishes the job and leaves no plaintext behind.
 */
class CrashKeysIT {
    private static final int TRIALS = 20;
    private static final long SEED = 20261130L;
    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;

    private final Map<Integer, byte[]> plaintext = new HashMap<>();

    @Test
    void encryptAndRekeySurviveSigkillAtAnyPoint() throws Exception {
        TestKeystore keys = new TestKeystore(dir);
        keys.create("models", 256);
        String root = dir.resolve("store").toString();
        HadoopModelStore plain = HadoopModelStore.open(root, new Configuration());
        HadoopModelStore store = HadoopModelStore.open(root, keys.conf("models"));
        Random random = new Random(SEED);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        int killed = 0;

        for (int trial = 0; trial < TRIALS; trial++) {
            // Fresh plaintext versions for each trial, so every kill can land in the middle of a conversion.
            for (int i = 0; i < (trial == 0 ? 4 : 1); i++) {
                ModelVersion v = plain.publish("iris", Drafts.random(SIZE, trial * 10L + i));
                plaintext.put(v.version(), bytes(trial * 10L + i));
            }
            killed += trial(keys, root, "encrypt", "models", random, logs, "encrypt-" + trial) ? 1 : 0;
            checkAll(store, null);
        }
        assertEquals(0, run(keys, root, "encrypt", logs, "encrypt-final"));
        checkAll(store, "models@0");
        assertNoPlaintextLeft(Path.of(root, "iris", "versions"));

        String previous = "models@0";
        for (int trial = 0; trial < TRIALS; trial++) {
            String current = keys.roll("models");
            killed += trial(keys, root, "rekey", "models", random, logs, "rekey-" + trial) ? 1 : 0;
            checkAll(store, null);
            previous = current;
        }
        assertEquals(0, run(keys, root, "rekey", logs, "rekey-final"));
        checkAll(store, previous);
        for (int v = 0; v < TRIALS; v++) {
            keys.retire("models@" + v);
        }
        checkAll(HadoopModelStore.open(root, keys.conf("models")), previous);
        System.out.println("CrashKeysIT: " + killed + " of " + 2 * TRIALS + " children killed mid-run");
        assertTrue(killed >= TRIALS, "only " + killed + " of " + 2 * TRIALS + " trials were killed mid-run");
    }

    /** One trial; true when the child was killed before it finished. */
    private boolean trial(
            TestKeystore keys, String root, String action, String key, Random random, Path logs, String id)
            throws Exception {
        Process p = start(keys, root, action, key, logs, id);
        Path out = logs.resolve(id + ".out");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!lines(out).contains("started")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException(id + " did not start: " + Files.readString(logs.resolve(id + ".err")));
            }
            Thread.sleep(5);
        }
        Thread.sleep(random.nextInt(400));
        boolean finished = lines(out).contains("done");
        p.destroyForcibly();
        p.waitFor();
        return !finished;
    }

    private int run(TestKeystore keys, String root, String action, Path logs, String id) throws Exception {
        Process p = start(keys, root, action, "models", logs, id);
        p.waitFor();
        return p.exitValue();
    }

    private static Process start(TestKeystore keys, String root, String action, String key, Path logs, String id)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto"));
        String hearthRoot = System.getProperty("hearth.root");
        if (hearthRoot != null && Files.exists(Path.of(hearthRoot, "conf/jvm17.args"))) {
            cmd.add("@" + Path.of(hearthRoot, "conf/jvm17.args"));
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                KeysProcess.class.getName(),
                action,
                root,
                keys.uri(),
                key,
                "iris"));
        return new ProcessBuilder(cmd)
                .redirectOutput(logs.resolve(id + ".out").toFile())
                .redirectError(logs.resolve(id + ".err").toFile())
                .start();
    }

    /** Every version reads back; {@code expectedKey}: all are wrapped by it (null: each by one, or plaintext). */
    private void checkAll(HadoopModelStore store, String expectedKey) throws Exception {
        List<ModelVersion> versions = store.listVersions("iris");
        assertEquals(plaintext.size(), versions.size());
        for (ModelVersion v : versions) {
            EncryptionInfo info = v.metadata().encryption();
            if (expectedKey != null) {
                assertNotNull(info, v.ref() + " is not encrypted");
                assertEquals(expectedKey, info.keyVersion(), v.ref().toString());
            }
            // verify decrypts and checks the SHA-256 of the plaintext; a full comparison once at the end.
            store.verify(v);
            if (expectedKey != null) {
                assertArrayEquals(
                        plaintext.get(v.version()),
                        store.readFile(v, "model.zip"),
                        v.ref().toString());
            }
            Path vdir = Path.of(java.net.URI.create(v.location()));
            assertTrue(
                    Files.exists(vdir.resolve(info == null ? "model.zip" : "model.zip.enc")),
                    v.ref().toString());
        }
    }

    private static void assertNoPlaintextLeft(Path versions) throws IOException {
        try (var dirs = Files.list(versions)) {
            for (Path d : dirs.toList()) {
                assertFalse(Files.exists(d.resolve("model.zip")), "plaintext left in " + d);
            }
        }
    }

    private static List<String> lines(Path f) throws IOException {
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    private static byte[] bytes(long seed) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Drafts.random(SIZE, seed).files().get("model.zip").writeTo(out);
        return out.toByteArray();
    }
}
