package dev.hearth.bench;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * An in-process HDFS for benchmarks: one NameNode and one DataNode on 127.0.0.1 with ephemeral ports, storing
 * under a given directory; {@link #close()} shuts it down. Needs the JVM flags of {@code conf/jvm17.args}.
 */
final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;

    MiniHdfs(Path dir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setBoolean("dfs.permissions.enabled", false);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).nameNodePort(0).build();
        cluster.waitActive();
    }

    /** {@code hdfs://127.0.0.1:<port>/<path>}. */
    String uri(String path) {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/" + path;
    }

    Configuration conf() {
        return cluster.getConfiguration(0);
    }

    FileSystem fileSystem() throws IOException {
        return cluster.getFileSystem();
    }

    @Override
    public void close() {
        cluster.shutdown();
    }
}
