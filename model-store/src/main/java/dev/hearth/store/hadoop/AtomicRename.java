package dev.hearth.store.hadoop;

import java.io.IOException;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * Renames the store builds on: one atomic step that either happens entirely or fails, never a copy, and never
 * the Hadoop {@link FileSystem#rename(Path, Path)} rule that moves the source <em>inside</em> an existing target
 * directory and reports success (which would commit a staging directory as {@code versions/<n>/<uuid>/}).
 *
 * <ul>
 *   <li>local file system ({@link NioLocalFileSystem}): {@code rename(2)} via {@code Files.move(ATOMIC_MOVE)},
 *       then an fsync of the directory;
 *   <li>HDFS: {@link DistributedFileSystem#rename(Path, Path, Options.Rename...)}, one NameNode operation that
 *       refuses ({@link Options.Rename#NONE}) or replaces ({@link Options.Rename#OVERWRITE}) an existing target;
 *   <li>anything else (viewfs, ...): {@link FileContext#rename(Path, Path, Options.Rename...)}, the same contract.
 * </ul>
 *
 * Failures: {@link java.io.FileNotFoundException} when the source is gone (another process moved it first: of
 * several processes renaming the same source exactly one succeeds), {@link FileAlreadyExistsException} when the
 * target exists and may not be replaced.
 */
final class AtomicRename {
    private final FileSystem fs;

    AtomicRename(FileSystem fs) {
        this.fs = fs;
    }

    /** Renames {@code src} (file or directory) to {@code dst}, refusing an existing {@code dst}. */
    void noReplace(Path src, Path dst) throws IOException {
        rename(src, dst, Options.Rename.NONE);
    }

    /** Renames the file {@code src} over the file {@code dst} in one step (readers see the old or the new one). */
    void replace(Path src, Path dst) throws IOException {
        rename(src, dst, Options.Rename.OVERWRITE);
    }

    private void rename(Path src, Path dst, Options.Rename option) throws IOException {
        boolean replace = option == Options.Rename.OVERWRITE;
        if (fs instanceof NioLocalFileSystem local) {
            local.moveAtomically(src, dst, replace);
        } else if (fs instanceof DistributedFileSystem dfs) {
            dfs.rename(src, dst, option);
        } else {
            FileContext fc;
            try {
                fc = FileContext.getFileContext(fs.getUri(), fs.getConf());
            } catch (UnsupportedFileSystemException e) {
                throw new IOException(
                        "cannot rename " + src + " to " + dst + ": "
                                + fs.getUri().getScheme()
                                + " has no atomic rename with options (use hearth.store.commit=marker)",
                        e);
            }
            fc.rename(src, dst, option);
        }
    }
}
