package dev.hearth.store.hadoop;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code create(overwrite=false)} on an object store: S3A checks for the object and then PUTs it, so two processes
 * racing for the same name can both succeed. Exclusive only when one process writes each model at a time.
 */
final class UncheckedCreate implements ExclusiveCreate {
    private final FileSystem fs;
    private final String why;

    UncheckedCreate(FileSystem fs, String why) {
        this.fs = fs;
        this.why = why;
    }

    @Override
    public boolean create(Path path, byte[] content) throws IOException {
        // No hsync: an object store makes the object visible and durable when the stream closes (S3A refuses hsync).
        try (FSDataOutputStream out = fs.create(path, false)) {
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

    @Override
    public boolean exclusive() {
        return false;
    }

    @Override
    public String describe() {
        return "create(overwrite=false), not exclusive (" + why + "): one publisher and one alias writer per model";
    }
}
