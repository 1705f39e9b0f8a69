package dev.hearth.spark.retrain;

import dev.hearth.config.SettingsException;
import dev.hearth.store.DatasetFingerprint;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The {@code dt=YYYY-MM-DD} directories under a data root, oldest first, and the window a retrain trains on. */
public final class Partitions {
    /** One daily partition. */
    public record Partition(String dt, String path) {}

    private Partitions() {}

    /** Non-empty {@code dt=YYYY-MM-DD} directories under {@code root}, by date; other entries are ignored. */
    public static List<Partition> list(String root, Configuration conf) {
        try {
            Path dir = new Path(root);
            FileSystem fs = dir.getFileSystem(conf);
            List<Partition> out = new ArrayList<>();
            FileStatus[] children;
            try {
                children = fs.listStatus(dir);
            } catch (FileNotFoundException e) {
                throw new SettingsException(RetrainSettings.DATA_ROOT + " " + root + " does not exist");
            }
            for (FileStatus st : children) {
                String n = st.getPath().getName();
                if (!st.isDirectory() || !n.startsWith("dt=")) {
                    continue;
                }
                try {
                    LocalDate.parse(n.substring(3));
                } catch (DateTimeParseException e) {
                    continue;
                }
                boolean hasData = false;
                for (FileStatus f : fs.listStatus(st.getPath())) {
                    String fn = f.getPath().getName();
                    hasData |= !fn.startsWith(".") && !fn.startsWith("_");
                }
                if (hasData) {
                    out.add(new Partition(
                            n.substring(3), fs.makeQualified(st.getPath()).toString()));
                }
            }
            out.sort(Comparator.comparing(Partition::dt));
            return out;
        } catch (IOException e) {
            throw new SettingsException(
                    "cannot list " + RetrainSettings.DATA_ROOT + " " + root + ": " + e.getMessage());
        }
    }

    /** Partitions strictly newer than {@code watermark} (all when null). */
    public static List<Partition> newerThan(List<Partition> all, String watermark) {
        return all.stream()
                .filter(p -> watermark == null || p.dt().compareTo(watermark) > 0)
                .toList();
    }

    /** The partitions to train on: the new ones, or the last {@code n} when {@code n > 0}. */
    public static List<Partition> window(List<Partition> all, List<Partition> fresh, int n) {
        return n <= 0 ? fresh : all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** A comma-separated path list Hadoop input formats read as one input. */
    public static String inputPath(List<Partition> window) {
        return window.stream().map(Partition::path).collect(Collectors.joining(","));
    }

    /** SHA-256 fingerprint of each partition, by date. */
    public static java.util.Map<String, String> fingerprints(List<Partition> window, Configuration conf) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Partition p : window) {
            out.put(p.dt(), DatasetFingerprint.of(new Path(p.path()), conf).contentHash());
        }
        return out;
    }
}
