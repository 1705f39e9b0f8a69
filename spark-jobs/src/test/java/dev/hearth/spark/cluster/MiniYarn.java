package dev.hearth.spark.cluster;

import dev.hearth.testing.hdfs.MiniHdfs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A YARN cluster in the test JVM for 2 cores: one ResourceManager and one NodeManager (MiniYARNCluster, ephemeral
 * ports on this host, which resolves to loopback) with {@link MiniHdfs} as the default file system. Memory is only
 * accounted (the physical/virtual memory checks are off, as the containers are small), the FIFO scheduler lets
 * the application master take what it needs. {@link #confDir()} holds the {@code core-site.xml} and
 * {@code yarn-site.xml} a client needs ({@code HADOOP_CONF_DIR}).
 */
final class MiniYarn implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MiniYarn.class);

    private final MiniYARNCluster cluster;
    private final Path confDir;

    private MiniYarn(MiniYARNCluster cluster, Path confDir) {
        this.cluster = cluster;
        this.confDir = confDir;
    }

    static MiniYarn start(Path dir, MiniHdfs hdfs, int nodeMemoryMb, int nodeVcores) {
        long t0 = System.nanoTime();
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", hdfs.uri());
        conf.setInt(YarnConfiguration.NM_PMEM_MB, nodeMemoryMb);
        conf.setInt(YarnConfiguration.NM_VCORES, nodeVcores);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, nodeMemoryMb);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.set(
                YarnConfiguration.RM_SCHEDULER,
                "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        conf.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);
        MiniYARNCluster cluster = new MiniYARNCluster("hearth-yarn-it", 1, 1, 1);
        try {
            cluster.init(conf);
            cluster.start();
            if (!cluster.waitForNodeManagersToConnect(60_000)) {
                throw new IllegalStateException("the NodeManager did not register within 60 s");
            }
            Path confDir = Files.createDirectories(dir.resolve("hadoop-conf"));
            Configuration live = new Configuration(cluster.getConfig());
            live.set("fs.defaultFS", hdfs.uri());
            for (String file : new String[] {"core-site.xml", "yarn-site.xml"}) {
                try (OutputStream out = Files.newOutputStream(confDir.resolve(file))) {
                    live.writeXml(out);
                }
            }
            LOG.info(
                    "MiniYARNCluster up after {} ms: RM {}, {} MB / {} vcores on one NodeManager",
                    (System.nanoTime() - t0) / 1_000_000,
                    live.get(YarnConfiguration.RM_ADDRESS),
                    nodeMemoryMb,
                    nodeVcores);
            return new MiniYarn(cluster, confDir);
        } catch (IOException | InterruptedException | org.apache.hadoop.yarn.exceptions.YarnException e) {
            cluster.stop();
            throw new IllegalStateException("cannot start MiniYARNCluster: " + e, e);
        } catch (RuntimeException e) {
            cluster.stop();
            throw e;
        }
    }

    Path confDir() {
        return confDir;
    }

    /** The NodeManager's container logs (stderr of every container), for failure messages. */
    String containerLogs() {
        StringBuilder out = new StringBuilder();
        // MiniYARNCluster puts its NodeManager directories under target/test/data/<cluster name>/.
        Path logs = Path.of(cluster.getNodeManager(0)
                .getConfig()
                .get(YarnConfiguration.NM_LOG_DIRS)
                .split(",")[0]);
        if (!Files.isDirectory(logs)) {
            return "(no container logs)";
        }
        try (var files = Files.walk(logs)) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .sorted()
                    .toList()) {
                String text = Files.readString(f);
                out.append("\n==== ")
                        .append(logs.relativize(f))
                        .append('\n')
                        .append(text.length() > 6000 ? text.substring(text.length() - 6000) : text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
