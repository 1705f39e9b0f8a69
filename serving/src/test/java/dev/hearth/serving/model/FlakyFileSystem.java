package dev.hearth.serving.model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code flaky:}, whose {@code open} of chosen files fails a given number
 * of times with a plain {@link IOException} (as a network file system's transient error would), and which counts
 * every open and metadata lookup so tests can see whether the store was read.
 */
public class FlakyFileSystem extends RawLocalFileSystem {
    static final URI NAME = URI.create("flaky:///");

    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger opensOfFailingFile = new AtomicInteger();
    private volatile String failingName = "";

    /** A configuration that maps {@code flaky:} to this class. */
    static Configuration conf() {
        Configuration conf = new Configuration();
        conf.setClass("fs.flaky.impl", FlakyFileSystem.class, FileSystem.class);
        return conf;
    }

    /** The (cached, shared) instance a store opened on a {@code flaky:} root with {@code conf} uses. */
    static FlakyFileSystem of(Configuration conf) throws IOException {
        return (FlakyFileSystem) FileSystem.get(NAME, conf);
    }

    /** From now on the next {@code times} opens of files named {@code name} fail; counters restart. */
    void failOpens(String name, int times) {
        failingName = name;
        failuresLeft.set(times);
        injected.set(0);
        opensOfFailingFile.set(0);
    }

    /** Failures injected since {@link #failOpens}. */
    int injected() {
        return injected.get();
    }

    /** Opens of the file named in {@link #failOpens}, failed or not. */
    int opensOfFailingFile() {
        return opensOfFailingFile.get();
    }

    /** Opens and metadata lookups so far. */
    int calls() {
        return calls.get();
    }

    @Override
    public URI getUri() {
        return NAME;
    }

    @Override
    public String getScheme() {
        return "flaky";
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        calls.incrementAndGet();
        if (f.getName().equals(failingName)) {
            opensOfFailingFile.incrementAndGet();
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                injected.incrementAndGet();
                throw new IOException("injected transient failure opening " + f);
            }
        }
        return super.open(f, bufferSize);
    }

    @Override
    public boolean exists(Path f) throws IOException {
        calls.incrementAndGet();
        return super.exists(f);
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        calls.incrementAndGet();
        return super.getFileStatus(f);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws FileNotFoundException, IOException {
        calls.incrementAndGet();
        return super.listStatus(f);
    }
}
