package dev.hearth.store.hadoop;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store's own Hadoop configuration keys ({@code core-site.xml} or {@code spark.hadoop.*}), with the defaults
 * the code uses. {@code conf/hadoop/core-site.xml} lists each with the same default and a one-line comment
 * (StoreHadoopSettingsTest checks they agree); {@code bin/hearth} uses that directory as {@code HADOOP_CONF_DIR}
 * when none is set.
 */
public final class StoreHadoopSettings {
    /** How a publish becomes visible: {@code rename} or {@code marker}; empty chooses by scheme. */
    public static final String COMMIT = "hearth.store.commit";
    /** Empty: rename on file/hdfs/viewfs, marker elsewhere. */
    public static final String COMMIT_DEFAULT = "";
    /** {@code probe}: test at open whether an S3 endpoint honours {@code If-None-Match: *} atomically; {@code on}, {@code off}. */
    public static final String CONDITIONAL_WRITES = "hearth.store.conditional-writes";

    public static final String CONDITIONAL_WRITES_DEFAULT = "probe";
    /** {@code true}: refuse to open a store whose exclusive creates are not exclusive. */
    public static final String MULTI_PUBLISHER = "hearth.store.multi-publisher";

    public static final boolean MULTI_PUBLISHER_DEFAULT = false;

    private StoreHadoopSettings() {}

    /** Every key with its default as written in {@code core-site.xml}, in the file's order. */
    public static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(COMMIT, COMMIT_DEFAULT);
        m.put(CONDITIONAL_WRITES, CONDITIONAL_WRITES_DEFAULT);
        m.put(MULTI_PUBLISHER, Boolean.toString(MULTI_PUBLISHER_DEFAULT));
        return m;
    }
}
