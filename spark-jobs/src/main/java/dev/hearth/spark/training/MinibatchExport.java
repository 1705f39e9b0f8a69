package dev.hearth.spark.training;

import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.serde.MinibatchFiles;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hearth's export step: every executor writes the minibatches of each slot of the epoch as one {@link MinibatchFiles}
 * file under one directory of the default (shared) file system, in one Spark job, and the paths become a small RDD
 * laid out like the epoch (partition {@code s} = the file of slot {@code s}) that DL4J's {@code fitPaths} trains
 * from. One file per slot, not per minibatch: creating a file costs a name-node round trip on HDFS, and DL4J's
 * worker cuts a loaded file back into minibatches of {@code batchSizePerWorker} rows, in order, so the worker fits
 * exactly the slot's minibatches (each slot starts at a minibatch boundary).
 */
final class MinibatchExport {
    /** Name of the RDD of exported paths. */
    static final String NAME = "hearth-exported-minibatches";

    private static final Logger LOG = LoggerFactory.getLogger(MinibatchExport.class);

    private MinibatchExport() {}

    /** Writes {@code epoch}'s minibatches under {@code dir} and returns the persisted RDD of their paths. */
    static JavaRDD<String> export(JavaSparkContext sc, EpochBatches epoch, String dir) {
        return export(sc, epoch, dir, null);
    }

    /** As {@link #export(JavaSparkContext, EpochBatches, String)}, each file sealed when {@code sealing} is set. */
    static JavaRDD<String> export(JavaSparkContext sc, EpochBatches epoch, String dir, MinibatchSealing sealing) {
        Broadcast<SerializableConfiguration> conf =
                sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
        List<String> slots = epoch.batches()
                .mapPartitionsWithIndex(
                        (slot, it) -> {
                            List<DataSet> minibatches = new ArrayList<>();
                            it.forEachRemaining(minibatches::add);
                            if (minibatches.isEmpty()) {
                                throw new IllegalStateException("slot " + slot + " of the epoch has no minibatches");
                            }
                            FileSystem fs =
                                    new Path(dir).getFileSystem(conf.value().value());
                            Path base = fs.makeQualified(new Path(dir));
                            Path file = new Path(base, "slot-" + slot + ".hmb");
                            // On the local FS, Hadoop forks `chmod` for every file it creates (and writes a .crc beside
                            // it):
                            // plain NIO writes are many times faster and the files are only read back by this job.
                            boolean local = "file".equals(fs.getUri().getScheme());
                            if (local) {
                                Files.createDirectories(java.nio.file.Path.of(base.toUri()));
                            }
                            OutputStream raw = local
                                    ? Files.newOutputStream(
                                            java.nio.file.Path.of(file.toUri()),
                                            StandardOpenOption.CREATE_NEW,
                                            StandardOpenOption.WRITE)
                                    : fs.create(file, false);
                            try (OutputStream out = sealing == null ? raw : sealing.seal(raw, file.getName())) {
                                MinibatchFiles.write(
                                        minibatches.size() == 1 ? minibatches.get(0) : DataSet.merge(minibatches), out);
                            }
                            return List.of(file.toString()).iterator();
                        },
                        true)
                .collect();
        conf.destroy();
        LOG.debug(
                "Exported {} minibatches of epoch {} as {} files under {}",
                epoch.plan().batches(),
                epoch.epoch(),
                slots.size(),
                dir);
        // One path per slot in as many slices: slice s is slot s.
        JavaRDD<String> rdd = sc.parallelize(slots, slots.size());
        rdd.setName(NAME);
        rdd.persist(StorageLevel.MEMORY_ONLY());
        return rdd;
    }
}
