package dev.hearth.store.hadoop;

import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * How a publish becomes visible, chosen per file-system scheme (override with {@value #CONF_KEY}).
 *
 * <ul>
 *   <li>{@link #RENAME} (file, hdfs, viewfs): stage everything in {@code _staging/<uuid>/}, then rename the
 *       directory to {@code versions/<n>} in one atomic step;
 *   <li>{@link #MARKER} (s3a and other object stores, where rename is a copy): write straight into
 *       {@code versions/<n>/} after reserving n, and create {@code _COMMITTED} last.
 * </ul>
 */
enum CommitMode {
    RENAME,
    MARKER;

    /** Configuration key to force a mode: {@code rename} or {@code marker}. */
    static final String CONF_KEY = StoreHadoopSettings.COMMIT;

    private static final Set<String> ATOMIC_RENAME = Set.of("file", "hdfs", "viewfs");

    static CommitMode of(String scheme, Configuration conf) {
        String forced = conf.get(CONF_KEY, StoreHadoopSettings.COMMIT_DEFAULT);
        if (forced != null && !forced.isBlank()) {
            try {
                return valueOf(forced.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        CONF_KEY + " must be 'rename' or 'marker' but was '" + forced + "'", e);
            }
        }
        return ATOMIC_RENAME.contains(scheme) ? RENAME : MARKER;
    }
}
