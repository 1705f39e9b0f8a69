package dev.hearth.store.hadoop;

import java.io.IOException;
import org.apache.hadoop.fs.Path;

/**
 * How an object store ({@link CommitMode#MARKER}) creates a small file only if it does not exist yet. Chosen once
 * when the store opens ({@link ConditionalWriteProbe}): a conditional PUT ({@code If-None-Match: *}) where the
 * endpoint was seen to honour it, otherwise Hadoop's {@code create(overwrite=false)}, which is not exclusive on
 * S3A and so holds only under the one-publisher-per-model rule (README, "Per backend").
 */
interface ExclusiveCreate {
    /**
     * Creates {@code path} with {@code content}.
     *
     * @return true if this call created it, false if it already existed
     */
    boolean create(Path path, byte[] content) throws IOException;

    /** Whether of two processes creating the same path at once at most one can succeed. */
    boolean exclusive();

    /** One line for the log and for {@code doctor}: the mechanism and what the probe measured. */
    String describe();
}
