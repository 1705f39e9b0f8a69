package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.IntegrityException;
import dev.hearth.store.InvalidNameException;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopModelStoreTest {
    @TempDir
    Path dir;

    private HadoopModelStore store() {
        return HadoopModelStore.open(dir.toString(), new Configuration());
    }

    private static ModelDraft draft(String content) {
        Signature sig = new Signature(
                "input",
                "FP32",
                2,
                List.of("x", "y"),
                List.of("no", "yes"),
                new NormalizerSpec("minmax", new double[] {0, 0}, new double[] {1, 2}, null, null));
        return new ModelDraft(
                "test-format",
                sig,
                Map.of("accuracy", 0.75),
                Map.of("train.epochs", "3"),
                Map.of("dataset", "file:/data.csv"),
                Map.of("team", "ml"),
                Map.of("model.zip", out -> out.write(content.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void publishTwiceGivesVersionsOneAndTwoAndRoundTripsEverything() {
        HadoopModelStore store = store();
        ModelVersion v1 = store.publish("iris", draft("first"));
        ModelVersion v2 = store.publish("iris", draft("second"));
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v2.version()).isEqualTo(2);

        assertThat(store.listModels()).containsExactly("iris");
        assertThat(store.listVersions("iris")).extracting(ModelVersion::version).containsExactly(1, 2);
        ModelVersion latest = store.resolve(ModelRef.parse("iris"));
        assertThat(latest.version()).isEqualTo(2);
        assertThat(new String(store.readFile(latest, "model.zip"), StandardCharsets.UTF_8))
                .isEqualTo("second");
        ModelVersion first = store.resolve(ModelRef.parse("iris/1"));
        assertThat(new String(store.readFile(first, "model.zip"), StandardCharsets.UTF_8))
                .isEqualTo("first");

        var meta = first.metadata();
        assertThat(meta.formatVersion()).isEqualTo(1);
        assertThat(meta.name()).isEqualTo("iris");
        assertThat(meta.createdAt()).isNotBlank();
        assertThat(meta.creator()).contains("@");
        assertThat(meta.signature().labelNames()).containsExactly("no", "yes");
        assertThat(meta.signature().normalizer().max()).containsExactly(1, 2);
        assertThat(meta.metrics()).containsEntry("accuracy", 0.75);
        assertThat(meta.training()).containsEntry("train.epochs", "3");
        assertThat(meta.tags()).containsEntry("team", "ml");
        assertThat(meta.files().get("model.zip").size()).isEqualTo(5);
        assertThat(meta.files().get("model.zip").sha256()).hasSize(64);
    }

    @Test
    void metadataFileStartsWithFormatVersion() throws Exception {
        ModelVersion v = store().publish("m", draft("x"));
        String json = Files.readString(dir.resolve("m/versions/1/metadata.json"));
        assertThat(json.strip()).startsWith("{\n  \"formatVersion\" : 1,");
        assertThat(v.location()).endsWith("/m/versions/1");
        assertThat(dir.resolve("m/versions/1/_COMMITTED")).exists();
        assertThat(dir.resolve("m/_staging")).isEmptyDirectory();
    }

    @Test
    void versionsWithoutCommitMarkerAreInvisible() throws Exception {
        HadoopModelStore store = store();
        store.publish("m", draft("x"));
        Files.delete(dir.resolve("m/versions/1/_COMMITTED"));
        assertThat(store.listVersions("m")).isEmpty();
        assertThat(store.listModels()).isEmpty();
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m/1"))).isInstanceOf(ModelNotFoundException.class);
        // The number stays taken: the next publish gets 2, never 1 again.
        assertThat(store.publish("m", draft("y")).version()).isEqualTo(2);
    }

    @Test
    void flippedByteFailsTheLoadNamingFileAndHashes() throws Exception {
        HadoopModelStore store = store();
        ModelVersion v = store.publish("m", draft("hello"));
        Path file = dir.resolve("m/versions/1/model.zip");
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> store.readFile(v, "model.zip"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("model.zip")
                .hasMessageContaining("expected sha256 "
                        + v.metadata().files().get("model.zip").sha256())
                .hasMessageContaining("but was ");
    }

    @Test
    void newerMetadataFormatIsRefusedWithBothNumbers() throws Exception {
        HadoopModelStore store = store();
        store.publish("m", draft("x"));
        Path meta = dir.resolve("m/versions/1/metadata.json");
        Files.writeString(meta, Files.readString(meta).replace("\"formatVersion\" : 1", "\"formatVersion\" : 9"));
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("m")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("formatVersion 9")
                .hasMessageContaining("formatVersion <= " + dev.hearth.store.ModelMetadata.FORMAT_VERSION);
    }

    @Test
    void invalidNamesAreRefusedBeforeTouchingTheFileSystem() {
        HadoopModelStore store = store();
        for (String bad : List.of("../x", "", "Upper", "a/b", "-x", "a..b", "x".repeat(65))) {
            assertThatThrownBy(() -> store.publish(bad, draft("x")))
                    .as(bad)
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageContaining("model name must match [a-z0-9][a-z0-9._-]{0,63}");
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void unknownModelAndFileAreNotFound() {
        HadoopModelStore store = store();
        assertThatThrownBy(() -> store.resolve(ModelRef.parse("ghost")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("model 'ghost' has no committed version");
        ModelVersion v = store.publish("m", draft("x"));
        assertThatThrownBy(() -> store.readFile(v, "weights.bin"))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("file 'weights.bin' is not part of m/1");
    }

    @Test
    void failingWriterPublishesNothing() {
        HadoopModelStore store = store();
        ModelDraft broken = new ModelDraft(
                "f", draft("x").signature(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of("model.zip", out -> {
                    out.write(1);
                    throw new java.io.IOException("disk full");
                }));
        assertThatThrownBy(() -> store.publish("m", broken)).hasMessageContaining("disk full");
        assertThat(store.listVersions("m")).isEmpty();
        assertThat(store.publish("m", draft("ok")).version()).isEqualTo(1);
    }

    @Test
    void modelRefParsing() {
        assertThat(ModelRef.parse("a/3").version()).isEqualTo(3);
        assertThat(ModelRef.parse("a").pinnedVersion()).isEmpty();
        assertThatThrownBy(() -> ModelRef.parse("a/0")).hasMessageContaining("N >= 1");
        assertThatThrownBy(() -> ModelRef.parse("a/x")).hasMessageContaining("'a/x'");
    }
}
