package dev.hearth.store.it;

import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prints the publish-versus-copy figure on the local file system; no timing assertions. */
class LocalPublishBenchmarkIT {
    @TempDir
    Path dir;

    @Test
    void publishVersusPlainCopyOnLocalDisk() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRaw();
        PublishBenchmark.Result r = PublishBenchmark.run(
                store, fs, new org.apache.hadoop.fs.Path(dir.resolve("copy").toUri()), dir.resolve("bytes.bin"));
        Files.writeString(Path.of("target", "publish-benchmark-local.txt"), r.describe("local file system"));
        System.out.print(r.describe("local file system"));
    }
}
