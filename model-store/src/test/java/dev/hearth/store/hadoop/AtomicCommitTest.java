package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.testing.Drafts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local commits are one rename(2) or nothing; exclusive creates sync their content before publishing it. */
class AtomicCommitTest {
    @TempDir
    Path dir;

    @Test
    void aCommitOntoAnExistingVersionDirectoryFailsAndChangesNothing() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.toString(), new Configuration());
        store.publish("m", Drafts.text("one", 0.5));
        // A leftover directory where the next version will go (e.g. a marker-mode crash, or someone's copy).
        Files.createDirectories(dir.resolve("m/versions/2"));
        Files.writeString(dir.resolve("m/versions/2/model.zip"), "not mine");

        assertThatThrownBy(() -> store.publish("m", Drafts.text("two", 0.5)))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("cannot commit m/2: file:" + dir.resolve("m/versions/2"))
                .hasMessageContaining("already exists (not made by this publish; nothing was changed");
        // Hadoop's raw local rename would have copied staging into versions/2/<uuid>/ and reported success.
        try (Stream<Path> files = Files.list(dir.resolve("m/versions/2"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.zip");
        }
        assertThat(dir.resolve("m/versions/2/model.zip")).hasContent("not mine");
        try (Stream<Path> staging = Files.list(dir.resolve("m/_staging"))) {
            assertThat(staging).isEmpty();
        }
        assertThat(store.listVersions("m")).extracting(ModelVersion::version).containsExactly(1);
        assertThat(store.publish("m", Drafts.text("three", 0.5)).version()).isEqualTo(3);
    }

    @Test
    void theLocalFileSystemNeverCopiesWhenARenameFails() throws Exception {
        NioLocalFileSystem fs = NioLocalFileSystem.open(new Configuration());
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a"), "a");
        Path dst = Files.createDirectories(dir.resolve("dst"));
        Files.writeString(dst.resolve("b"), "b");
        org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(src.toUri());
        org.apache.hadoop.fs.Path to = new org.apache.hadoop.fs.Path(dst.toUri());

        assertThat(fs.rename(from, to)).isFalse();
        assertThatThrownBy(() -> new AtomicRename(fs).noReplace(from, to))
                .isInstanceOf(org.apache.hadoop.fs.FileAlreadyExistsException.class);
        assertThat(src.resolve("a")).hasContent("a");
        try (Stream<Path> files = Files.list(dst)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("b");
        }
        // For comparison, what Hadoop's own local file system does with the same rename.
        org.apache.hadoop.fs.RawLocalFileSystem raw = new org.apache.hadoop.fs.RawLocalFileSystem();
        raw.initialize(java.net.URI.create("file:///"), new Configuration());
        assertThat(raw.rename(from, to)).isTrue();
        assertThat(dst.resolve("src/a")).exists();
    }

    @Test
    void exclusiveCreatesSyncTheirContentBeforeTheNameAppears() throws Exception {
        FaultyFileSystem fs = FaultyFileSystem.open(new Configuration());
        HadoopModelStore store = fs.store(dir, new Configuration());
        store.publish("m", Drafts.text("one", 0.5));
        store.setAlias("m", "production", 1, null, null);
        assertThat(fs.syncs)
                .contains("hsync 1 (final name exists: false)", "hsync 0000000001.json (final name exists: false)");
        assertThat(dir.resolve("m/ids/1")).exists();
        assertThat(dir.resolve("m/aliases/production/0000000001.json")).exists();
    }
}
