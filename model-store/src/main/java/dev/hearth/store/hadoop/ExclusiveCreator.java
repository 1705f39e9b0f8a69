package dev.hearth.store.hadoop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Creates a file only if it does not exist, atomically across processes. HDFS's {@code create(path, false)} is
 * atomic in the NameNode; Hadoop's local file system checks then creates (a race), so on {@code file://} the JDK's
 * {@code O_CREAT|O_EXCL} is used instead.
 */
final class ExclusiveCreator {
    private final FileSystem fs;

    ExclusiveCreator(FileSystem fs) {
        this.fs = fs;
    }

    /**
     * Creates {@code path} with {@code content}.
     *
     * @return true if this call created it, false if it already existed
     */
    boolean create(Path path, byte[] content) throws IOException {
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(path).toUri());
            Files.createDirectories(local.getParent());
            try (OutputStream out = Files.newOutputStream(
                    local, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                out.write(content);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            return true;
        }
        try (OutputStream out = fs.create(path, false)) {
            out.write(content);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // Some file systems report "already exists" with a plain IOException; tell it apart by checking.
            if (fs.exists(path)) {
                return false;
            }
            throw e;
        }
    }
}
