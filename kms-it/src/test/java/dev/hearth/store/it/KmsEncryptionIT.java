package dev.hearth.store.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.cli.ModelsCommand;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.Drafts;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.crypto.key.KeyProvider;
import org.apache.hadoop.crypto.key.KeyProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Envelope encryption against a real Hadoop KMS (MiniKMS in its own JVM on a loopback port): publish, read, roll the
 * master key, {@code models rekey --all} through the CLI, retire the old key version in the KMS, read again.
 */
class KmsEncryptionIT {
    @TempDir
    Path dir;

    @Test
    void publishRotateRekeyAndRetireWithARealKms() throws Exception {
        try (KmsFixture kms = new KmsFixture(dir.resolve("kms"))) {
            kms.start();
            KeyProvider admin = KeyProviderFactory.get(new URI(kms.uri()), new Configuration());
            KeyProvider.Options o = new KeyProvider.Options(new Configuration());
            o.setBitLength(256);
            assertEquals("models@0", admin.createKey("models", o).getVersionName());

            String root = dir.resolve("store").toString();
            Configuration conf = new Configuration();
            conf.set(EncryptionSettings.KEY_PROVIDER, kms.uri());
            conf.set(EncryptionSettings.KEY_NAME, "models");
            HadoopModelStore store = HadoopModelStore.open(root, conf);
            ModelVersion v1 = store.publish("iris", Drafts.random(200_000, 1));
            store.publish("iris", Drafts.random(1000, 2));
            store.publish("digits", Drafts.random(1000, 4));
            assertEquals("models@0", v1.metadata().encryption().keyVersion());
            byte[] plain1 = bytes(1, 200_000);
            assertArrayEquals(plain1, store.readFile(v1, "model.zip"));

            HadoopModelStore noKey = HadoopModelStore.open(root, new Configuration());
            KeyUnavailableException e = assertThrows(
                    KeyUnavailableException.class,
                    () -> noKey.readFile(noKey.resolve(ModelRef.parse("iris/1")), "model.zip"));
            assertTrue(e.getMessage().contains("'models'") && e.getMessage().contains("models@0"), e.getMessage());
            Configuration unknownKey = new Configuration(conf);
            unknownKey.set(EncryptionSettings.KEY_NAME, "no-such-key");
            KeyUnavailableException missing = assertThrows(
                    KeyUnavailableException.class,
                    () -> HadoopModelStore.open(root, unknownKey).publish("iris", Drafts.random(10, 3)));
            assertTrue(
                    missing.getMessage().contains("'no-such-key' does not exist in " + kms.uri()),
                    missing.getMessage());

            assertEquals("models@1", admin.rollNewVersion("models").getVersionName());
            String out = cli(root, kms.uri(), "rekey", "iris");
            assertTrue(
                    out.contains("iris/1: models@0 -> models@1") && out.contains("iris/2: models@0 -> models@1"), out);
            assertEquals(0, cliExit(root, kms.uri(), "verify"));
            assertEquals(
                    "models@0",
                    store.resolve(ModelRef.parse("digits"))
                            .metadata()
                            .encryption()
                            .keyVersion());

            kms.stop();
            kms.retire("models@0");
            kms.start();
            HadoopModelStore after = HadoopModelStore.open(root, conf);
            for (int n = 1; n <= 2; n++) {
                ModelVersion v = after.resolve(ModelRef.parse("iris/" + n));
                assertEquals("models@1", v.metadata().encryption().keyVersion());
                after.verify(v);
            }
            assertArrayEquals(plain1, after.readFile(after.resolve(ModelRef.parse("iris/1")), "model.zip"));
            // digits was not re-keyed: its wrapping by the retired version cannot be opened, and the error says so.
            KeyUnavailableException retired = assertThrows(
                    KeyUnavailableException.class,
                    () -> after.readFile(after.resolve(ModelRef.parse("digits")), "model.zip"));
            assertTrue(
                    retired.getMessage().contains("cannot read digits/1")
                            && retired.getMessage().contains("'models' version models@0"),
                    retired.getMessage());
            assertEquals(ModelsCommand.KEY_UNAVAILABLE, cliExit(root, kms.uri(), "verify"));
        }
    }

    private static byte[] bytes(long seed, int size) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Drafts.random(size, seed).files().get("model.zip").writeTo(out);
        return out.toByteArray();
    }

    private static String cli(String root, String provider, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = ModelsCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(concat(root, provider, args));
        assertEquals(0, code, out + "\n" + err);
        return out.toString();
    }

    private static int cliExit(String root, String provider, String... args) {
        CommandLine cl = ModelsCommand.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(concat(root, provider, args));
    }

    private static String[] concat(String root, String provider, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--store";
        all[1] = root;
        all[2] = "--key-provider";
        all[3] = provider;
        System.arraycopy(args, 0, all, 4, args.length);
        return all;
    }
}
