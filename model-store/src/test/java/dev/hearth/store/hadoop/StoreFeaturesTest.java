package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.DatasetFingerprint;
import dev.hearth.store.IntegrityException;
import dev.hearth.store.MetadataDiff;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.testing.Drafts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verify, diff, dataset fingerprints, the marker commit mode and alias references. */
class StoreFeaturesTest {
    @TempDir
    Path dir;

    private HadoopModelStore store() {
        return HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
    }

    @Test
    void verifyPassesThenNamesTheCorruptFile() throws Exception {
        HadoopModelStore store = store();
        ModelVersion v = store.publish("m", Drafts.random(200_000, 1));
        store.verify(v);
        Path file = dir.resolve("store/m/versions/1/model.zip");
        byte[] bytes = Files.readAllBytes(file);
        bytes[100_000] ^= 0x10;
        Files.write(file, bytes);
        assertThatThrownBy(() -> store.verify(v))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("m/versions/1/model.zip")
                .hasMessageContaining("expected sha256 "
                        + v.metadata().files().get("model.zip").sha256());
        Files.delete(file);
        assertThatThrownBy(() -> store.verify(v)).hasMessageEndingWith("but was <missing file>");
    }

    @Test
    void diffListsChangedSettingsAndMetrics() {
        HadoopModelStore store = store();
        store.publish("m", Drafts.text("a", 0.8));
        ModelDraft other = new ModelDraft(
                "test-format",
                Drafts.signature(),
                Map.of("accuracy", 0.9, "f1", 0.7),
                Map.of("train.epochs", "5"),
                Map.of("dataset", "file:/data.csv"),
                Map.of("team", "ml"),
                Map.of("model.zip", out -> out.write(1)));
        store.publish("m", other);
        var changes = MetadataDiff.between(
                store.resolve(ModelRef.parse("m/1")).metadata(),
                store.resolve(ModelRef.parse("m/2")).metadata());
        assertThat(changes)
                .containsExactly(
                        new MetadataDiff.Change("training", "train.epochs", "3", "5"),
                        new MetadataDiff.Change("metrics", "accuracy", "0.8", "0.9"),
                        new MetadataDiff.Change("metrics", "f1", null, "0.7"));
    }

    @Test
    void fingerprintCoversSizeCountTimeAndContent() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("a.csv"), "1,2\n");
        Files.writeString(data.resolve("b.csv"), "3,4\n");
        Files.writeString(data.resolve(".a.csv.crc"), "ignored");
        Configuration conf = new Configuration();
        DatasetFingerprint fp = DatasetFingerprint.of(new org.apache.hadoop.fs.Path(data.toUri()), conf);
        assertThat(fp.totalBytes()).isEqualTo(8);
        assertThat(fp.fileCount()).isEqualTo(2);
        assertThat(fp.contentHash()).hasSize(64);
        assertThat(fp.toProvenance()).containsEntry("dataset.files", 2L).containsKey("dataset.sha256");
        assertThat(DatasetFingerprint.of(new org.apache.hadoop.fs.Path(data.toUri()), conf))
                .isEqualTo(fp);

        long mtime = Files.getLastModifiedTime(data.resolve("b.csv")).toMillis();
        Files.writeString(data.resolve("b.csv"), "3,5\n");
        Files.setLastModifiedTime(data.resolve("b.csv"), java.nio.file.attribute.FileTime.fromMillis(mtime));
        DatasetFingerprint changed = DatasetFingerprint.of(new org.apache.hadoop.fs.Path(data.toUri()), conf);
        assertThat(changed.totalBytes()).isEqualTo(8);
        assertThat(changed.contentHash()).isNotEqualTo(fp.contentHash());
        assertThatThrownBy(() -> DatasetFingerprint.of(
                        new org.apache.hadoop.fs.Path(dir.resolve("nope").toUri()), conf))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void markerCommitModeWritesInPlaceAndCommitsWithTheMarker() throws Exception {
        Configuration conf = new Configuration();
        conf.set("hearth.store.commit", "marker");
        HadoopModelStore store = new HadoopModelStore(
                new org.apache.hadoop.fs.Path(dir.resolve("s3like").toUri()), conf);
        ModelVersion v = store.publish("m", Drafts.text("x", 0.5));
        assertThat(v.version()).isEqualTo(1);
        assertThat(dir.resolve("s3like/m/_staging")).doesNotExist();
        assertThat(new String(store.readFile(v, "model.zip"), StandardCharsets.UTF_8))
                .isEqualTo("x");
        ModelDraft broken = new ModelDraft(
                "f", Drafts.signature(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of("model.zip", out -> {
                    throw new java.io.IOException("disk full");
                }));
        assertThatThrownBy(() -> store.publish("m", broken)).hasMessageContaining("disk full");
        assertThat(dir.resolve("s3like/m/versions/2")).doesNotExist();
        assertThat(store.publish("m", Drafts.text("y", 0.5)).version()).isEqualTo(3);
        conf.set("hearth.store.commit", "copy");
        assertThatThrownBy(() -> new HadoopModelStore(new org.apache.hadoop.fs.Path(dir.toUri()), conf))
                .hasMessage("hearth.store.commit must be 'rename' or 'marker' but was 'copy'");
    }

    @Test
    void modelRefForms() {
        assertThat(ModelRef.parse("m@production")).isEqualTo(ModelRef.ofAlias("m", "production"));
        assertThat(ModelRef.parse("m@production").toString()).isEqualTo("m@production");
        assertThat(new ModelRef("m", 3).alias()).isNull();
        assertThatThrownBy(() -> new ModelRef("m", 3, "prod")).hasMessageContaining("not both");
        assertThatThrownBy(() -> ModelRef.parse("m@")).hasMessageContaining("alias must match");
    }
}
