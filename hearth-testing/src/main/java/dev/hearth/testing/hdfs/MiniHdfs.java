package dev.hearth.testing.hdfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process HDFS (one NameNode, one DataNode, replication 1) on 127.0.0.1 with ephemeral ports and its
 * storage under a given directory; other JVMs (executors) reach it at {@link #uri()}. {@link #close()} shuts it
 * down.
 */
public final class MiniHdfs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MiniHdfs.class);

    private final MiniDFSCluster cluster;
    private final String uri;
    private final FileSystem fs;

    private MiniHdfs(MiniDFSCluster cluster, String uri, FileSystem fs) {
        this.cluster = cluster;
        this.uri = uri;
        this.fs = fs;
    }

    /** Formats and starts an HDFS whose NameNode and DataNode keep their data under {@code baseDir}. */
    public static MiniHdfs start(Path baseDir) {
        long t0 = System.nanoTime();
        Configuration conf = new Configuration();
        conf.set("dfs.replication", "1");
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.namenode.servicerpc-bind-host", "127.0.0.1");
        // The DataNode counts as up at its first heartbeat (default every 3 s).
        conf.set("dfs.heartbeat.interval", "1");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        // Tests and benchmarks write as whoever runs them, into directories other fixtures created.
        conf.setBoolean("dfs.permissions.enabled", false);
        MiniDFSCluster cluster = null;
        try {
            cluster = new MiniDFSCluster.Builder(conf, baseDir.toFile())
                    .numDataNodes(1)
                    .nameNodePort(0)
                    .format(true)
                    .build();
            cluster.waitActive();
            String uri = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
            Configuration client = new Configuration(conf);
            client.set("fs.defaultFS", uri);
            FileSystem fs = FileSystem.newInstance(java.net.URI.create(uri), client);
            LOG.info("MiniHdfs {} up after {} ms (data in {})", uri, (System.nanoTime() - t0) / 1_000_000, baseDir);
            return new MiniHdfs(cluster, uri, fs);
        } catch (IOException e) {
            if (cluster != null) {
                cluster.shutdown(true);
            }
            throw new UncheckedIOException("cannot start MiniDFSCluster in " + baseDir, e);
        }
    }

    /** {@code hdfs://127.0.0.1:port}, without a trailing slash. */
    public String uri() {
        return uri;
    }

    /** {@code hdfs://127.0.0.1:port/path} for a path relative to the root. */
    public String uri(String path) {
        return uri + "/" + (path.startsWith("/") ? path.substring(1) : path);
    }

    /** A copy of the client configuration ({@code fs.defaultFS} is this HDFS), for stores and jobs. */
    public Configuration configuration() {
        return new Configuration(fs.getConf());
    }

    /** A client of this HDFS, owned by this fixture (closed by {@link #close()}). */
    public FileSystem fileSystem() {
        return fs;
    }

    /** Copies a local file to {@code hdfsPath} (absolute) and returns its full {@code hdfs://} URI. */
    public String upload(Path local, String hdfsPath) {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(uri + hdfsPath);
        try {
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot upload " + local + " to " + target, e);
        }
        return target.toString();
    }

    /** Every file (not directory) below {@code hdfsPath}, recursively; empty when the path does not exist. */
    public List<String> filesUnder(String hdfsPath) {
        return list(hdfsPath, true);
    }

    /** Every path (files and directories) below {@code hdfsPath}, recursively; empty when it does not exist. */
    public List<String> pathsUnder(String hdfsPath) {
        return list(hdfsPath, false);
    }

    private List<String> list(String hdfsPath, boolean filesOnly) {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(uri + hdfsPath);
        List<String> out = new ArrayList<>();
        try {
            if (!fs.exists(root)) {
                return out;
            }
            if (filesOnly) {
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
                while (it.hasNext()) {
                    out.add(it.next().getPath().toString());
                }
            } else {
                collect(root, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        return out;
    }

    private void collect(org.apache.hadoop.fs.Path dir, List<String> out) throws IOException {
        for (var st : fs.listStatus(dir)) {
            out.add(st.getPath().toString());
            if (st.isDirectory()) {
                collect(st.getPath(), out);
            }
        }
    }

    @Override
    public void close() {
        try {
            fs.close();
        } catch (IOException e) {
            LOG.warn("Closing the HDFS client of {} failed: {}", uri, e.toString());
        }
        cluster.shutdown(true);
        LOG.info("MiniHdfs {} shut down", uri);
    }
}
