package dev.hearth.spark.training;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** A cheap dataset fingerprint for provenance: file count, total bytes and newest modification time. */
final class Fingerprints {
    private Fingerprints() {}

    static Map<String, Object> of(String path, Configuration conf) {
        Map<String, Object> f = new LinkedHashMap<>();
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            long files = 0;
            long bytes = 0;
            long newest = 0;
            for (FileStatus st : fs.globStatus(p)) {
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
                while (it.hasNext()) {
                    LocatedFileStatus file = it.next();
                    files++;
                    bytes += file.getLen();
                    newest = Math.max(newest, file.getModificationTime());
                }
            }
            f.put("files", files);
            f.put("bytes", bytes);
            f.put("newestModification", java.time.Instant.ofEpochMilli(newest).toString());
        } catch (IOException | RuntimeException e) {
            f.put("error", e.getMessage());
        }
        return f;
    }
}
