package dev.hearth.store.hadoop;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The store's real local file system with a hook before listings, opens and creates, to fail (or pause) at a
 * chosen call, and a record of every {@code hsync} with whether the file's final name existed at that moment.
 */
class FaultyFileSystem extends NioLocalFileSystem {
    /** Called before each operation (and after a listing, as "listed"); throw to fail it. */
    @FunctionalInterface
    interface Fault {
        void check(String op, Path path) throws IOException;
    }

    private volatile Fault fault = (op, path) -> {};
    final List<String> syncs = new CopyOnWriteArrayList<>();

    static FaultyFileSystem open(Configuration conf) throws IOException {
        FaultyFileSystem fs = new FaultyFileSystem();
        fs.initialize(URI.create("file:///"), conf);
        return fs;
    }

    void fault(Fault f) {
        this.fault = f;
    }

    /** A store rooted at {@code root} on this file system. */
    HadoopModelStore store(java.nio.file.Path root, Configuration conf) {
        return new HadoopModelStore(this, new Path(root.toUri()), conf);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        fault.check("listStatus", f);
        FileStatus[] listed = super.listStatus(f);
        fault.check("listed", f);
        return listed;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        fault.check("open", f);
        return super.open(f, bufferSize);
    }

    @Override
    public FSDataOutputStream create(
            Path f, boolean overwrite, int bufferSize, short replication, long blockSize, Progressable progress)
            throws IOException {
        fault.check("create", f);
        FSDataOutputStream out = super.create(f, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Recording(out, f), null);
    }

    @Override
    public FSDataOutputStream create(
            Path f,
            FsPermission permission,
            boolean overwrite,
            int bufferSize,
            short replication,
            long blockSize,
            Progressable progress)
            throws IOException {
        fault.check("create", f);
        FSDataOutputStream out = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Recording(out, f), null);
    }

    /** Records hsync calls: "hsync NAME (final name exists: B)", where a {@code _tmp.X.uuid} file's final name is X. */
    private final class Recording extends OutputStream implements Syncable {
        private final FSDataOutputStream out;
        private final Path path;

        Recording(FSDataOutputStream out, Path path) {
            this.out = out;
            this.path = path;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public void hflush() throws IOException {
            out.hflush();
        }

        @Override
        public void hsync() throws IOException {
            out.hsync();
            String name = path.getName();
            String finalName = name;
            if (name.startsWith(ExclusiveCreator.TMP_PREFIX)) {
                finalName = name.substring(ExclusiveCreator.TMP_PREFIX.length(), name.lastIndexOf('.'));
            }
            boolean published =
                    pathToFile(new Path(path.getParent(), finalName)).exists();
            syncs.add("hsync " + finalName + " (final name exists: " + published + ")");
        }
    }
}
