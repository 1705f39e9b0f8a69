package dev.hearth.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A cheap, stable fingerprint of a training dataset on any Hadoop file system, recorded in a model's provenance
 * so a retrain can tell whether its input changed. It covers every file under the path (recursively, skipping
 * hidden {@code .}-files such as checksums): the total size, the file count, the newest modification time, and a
 * SHA-256 over each file's relative path, size and modification time plus the content of files up to
 * {@link #SMALL_FILE_BYTES}.
 *
 * @param uri the dataset's qualified URI
 * @param totalBytes sum of file sizes
 * @param fileCount number of files
 * @param maxModificationTime newest modification time, ISO-8601
 * @param contentHash lower-case hex SHA-256 as described above
 */
public record DatasetFingerprint(
        String uri, long totalBytes, long fileCount, String maxModificationTime, String contentHash) {
    /** Files up to this size contribute their content to the hash; larger ones their path, size and time. */
    public static final long SMALL_FILE_BYTES = 1L << 20;

    /**
     * Fingerprints {@code path} (a file or a directory tree) on {@code fs}.
     *
     * @throws ModelNotFoundException when the path does not exist
     * @throws ModelStoreException when it cannot be read
     */
    public static DatasetFingerprint of(FileSystem fs, Path path) {
        try {
            Path qualified = fs.makeQualified(path);
            if (!fs.exists(qualified)) {
                throw new ModelNotFoundException("dataset " + qualified + " does not exist");
            }
            List<LocatedFileStatus> files = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(qualified, true);
            while (it.hasNext()) {
                LocatedFileStatus st = it.next();
                if (!st.getPath().getName().startsWith(".")) {
                    files.add(st);
                }
            }
            files.sort(Comparator.comparing(st -> st.getPath().toString()));
            MessageDigest digest = Sha256.newDigest();
            long total = 0;
            long maxTime = 0;
            String base = qualified.toString();
            for (FileStatus st : files) {
                total += st.getLen();
                maxTime = Math.max(maxTime, st.getModificationTime());
                String rel = st.getPath()
                        .toString()
                        .substring(
                                Math.min(base.length(), st.getPath().toString().length()));
                digest.update((rel + "\n" + st.getLen() + "\n" + st.getModificationTime() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                if (st.getLen() <= SMALL_FILE_BYTES) {
                    try (InputStream in = fs.open(st.getPath())) {
                        digest.update(in.readAllBytes());
                    }
                }
            }
            return new DatasetFingerprint(
                    base,
                    total,
                    files.size(),
                    Instant.ofEpochMilli(maxTime).toString(),
                    HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new ModelStoreException("cannot fingerprint dataset " + path + ": " + e.getMessage(), e);
        }
    }

    /** Fingerprints {@code path} on the file system its URI names. */
    public static DatasetFingerprint of(Path path, Configuration conf) {
        try {
            return of(path.getFileSystem(conf), path);
        } catch (IOException e) {
            throw new ModelStoreException("cannot open file system of dataset " + path + ": " + e.getMessage(), e);
        }
    }

    /** The fingerprint as provenance entries: {@code dataset.uri}, {@code dataset.bytes}, ... */
    public Map<String, Object> toProvenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset.uri", uri);
        m.put("dataset.bytes", totalBytes);
        m.put("dataset.files", fileCount);
        m.put("dataset.modified", maxModificationTime);
        m.put("dataset.sha256", contentHash);
        return m;
    }
}
