package dev.hearth.store.hadoop;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.SdkClientException;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PutObjectRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

/**
 * Exclusive create on S3 with a conditional PUT: {@code If-None-Match: *} makes the endpoint refuse the write
 * (412) when the key exists, so of two racing writers exactly one wins. Hadoop 3.3.4's S3A has no API for it, so
 * the PUT goes through the AWS SDK v1 client S3A itself built from the {@code fs.s3a.*} settings (same endpoint,
 * region, path style, credential providers and retries). Only used after {@link ConditionalWriteProbe} saw the
 * endpoint honour the header.
 */
final class S3ConditionalPut implements ExclusiveCreate {
    private static final int PRECONDITION_FAILED = 412;
    private static final int CONFLICT = 409;
    private static final int CONFLICT_RETRIES = 5;

    private final S3AFileSystem fs;
    private final AmazonS3 client;
    private final String endpoint;

    S3ConditionalPut(FileSystem fs, String endpoint) {
        this.fs = (S3AFileSystem) fs;
        this.client = this.fs.getAmazonS3ClientForTesting("conditional PUT (If-None-Match) for exclusive creates");
        this.endpoint = endpoint;
    }

    /** Whether {@code fs} is S3A; by class name so a JVM without hadoop-aws never loads the S3 classes. */
    static boolean applies(FileSystem fs) {
        return "org.apache.hadoop.fs.s3a.S3AFileSystem".equals(fs.getClass().getName());
    }

    @Override
    public boolean create(Path path, byte[] content) throws IOException {
        String key = fs.pathToKey(fs.makeQualified(path));
        for (int attempt = 0; ; attempt++) {
            try {
                put(key, content);
                return true;
            } catch (AmazonServiceException e) {
                if (e.getStatusCode() == PRECONDITION_FAILED) {
                    return false;
                }
                // 409 ConditionalRequestConflict: another conditional write on the key is in flight; retry, and
                // the retry gets 412 once that write has won.
                if (e.getStatusCode() != CONFLICT || attempt >= CONFLICT_RETRIES) {
                    throw new IOException(
                            "conditional PUT of " + path + " failed: HTTP " + e.getStatusCode() + " " + e.getErrorCode()
                                    + ": " + e.getErrorMessage(),
                            e);
                }
                sleep(50L << attempt);
            } catch (SdkClientException e) {
                throw new IOException("conditional PUT of " + path + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** One PUT with {@code If-None-Match: *}; throws the SDK's exception (412 when the key exists). */
    void put(String key, byte[] content) {
        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentLength(content.length);
        PutObjectRequest request = new PutObjectRequest(fs.getBucket(), key, new ByteArrayInputStream(content), meta);
        request.putCustomRequestHeader("If-None-Match", "*");
        client.putObject(request);
    }

    /** Deletes a key (the probe's objects). */
    void delete(String key) {
        client.deleteObject(fs.getBucket(), key);
    }

    String key(Path path) {
        return fs.pathToKey(fs.makeQualified(path));
    }

    @Override
    public boolean exclusive() {
        return true;
    }

    @Override
    public String describe() {
        return "conditional PUT (If-None-Match: *), honoured by " + endpoint + " (probed at open): exclusive";
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while retrying a conditional PUT", e);
        }
    }
}
