package dev.hearth.notebook.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.notebook.display.Evaluation;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.crypto.key.KeyProvider;
import org.apache.hadoop.crypto.key.KeyProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notebook cell reads an encrypted version (real jceks keystore) through the kernel and the display helpers when
 * its store's {@code Configuration} carries the key settings, as the notebooks README says; without them the cell
 * fails with the store's message naming the master key, not a stack trace.
 */
class EncryptedStoreCellTest {
    private static final String EVALUATION = """
            {"examples": 3, "metrics": {"accuracy": 0.667}, "labels": ["a", "b"],
             "confusionMatrix": [[1, 0], [1, 1]], "history": [{"epoch": 1, "loss": 0.7, "validation": 0.667,
             "examplesPerSecond": 10, "seconds": 0.3}], "bestEpoch": 1}
            """;

    @TempDir
    Path dir;

    @Test
    void aCellWithTheKeySettingsReadsAnEncryptedVersionAndOneWithoutIsToldWhichKey() throws Exception {
        String provider = "jceks://file" + dir.resolve("keys.jceks");
        KeyProvider admin = KeyProviderFactory.get(new URI(provider), new Configuration());
        KeyProvider.Options o = new KeyProvider.Options(new Configuration());
        o.setBitLength(256);
        admin.createKey("models", o);
        admin.flush();
        Configuration keys = new Configuration();
        keys.set(EncryptionSettings.KEY_PROVIDER, provider);
        keys.set(EncryptionSettings.KEY_NAME, "models");
        Path root = dir.resolve("store");
        byte[] evaluation = EVALUATION.getBytes(StandardCharsets.UTF_8);
        HadoopModelStore.open(root.toString(), keys)
                .publish(
                        "fashion",
                        new ModelDraft(
                                "test-format",
                                new Signature(
                                        "input",
                                        "FP32",
                                        2,
                                        List.of("x", "y"),
                                        List.of("a", "b"),
                                        NormalizerSpec.none()),
                                Map.of("accuracy", 0.667),
                                Map.of(),
                                Map.of(),
                                Map.of(),
                                Map.of(
                                        "model.zip",
                                        out -> out.write(new byte[] {1, 2, 3}),
                                        Evaluation.FILE,
                                        out -> out.write(evaluation))));
        assertThat(root.resolve("fashion/versions/1/" + Evaluation.FILE + ".enc"))
                .exists();
        assertThat(root.resolve("fashion/versions/1/" + Evaluation.FILE)).doesNotExist();

        try (JShellEvaluator shell = new JShellEvaluator(System.getProperty("java.class.path"), HearthKernel.STARTUP)) {
            shell.eval("import dev.hearth.store.*;\nimport dev.hearth.store.hadoop.HadoopModelStore;\n"
                    + "import dev.hearth.notebook.display.*;\nimport org.apache.hadoop.conf.Configuration;");
            Object read = shell.eval("Configuration conf = new Configuration();\n"
                    + "conf.set(\"store.encryption.key.provider\", \"" + provider + "\");\n"
                    + "ModelStore store = HadoopModelStore.open(\"" + root + "\", conf);\n"
                    + "Evaluation.of(store, store.resolve(ModelRef.parse(\"fashion\")))");
            assertThat(read).isInstanceOf(Evaluation.class);
            assertThat(((Evaluation) read).metrics()).containsEntry("accuracy", 0.667);
            assertThat(shell.eval("Tables.versions(store.listVersions(\"fashion\"), store.aliases(\"fashion\"))"))
                    .isNotNull();

            assertThatThrownBy(
                            () -> shell.eval(
                                    "ModelStore noKey = HadoopModelStore.open(\"" + root
                                            + "\", new Configuration());\nEvaluation.of(noKey, noKey.resolve(ModelRef.parse(\"fashion\")))"))
                    .isInstanceOf(CellException.class)
                    .hasMessageContaining("cannot read fashion/1")
                    .hasMessageContaining("master key 'models'")
                    .hasMessageContaining(EncryptionSettings.KEY_PROVIDER);
        }
        assertThat(Files.readString(root.resolve("fashion/versions/1/metadata.json")))
                .contains("models@0");
    }
}
