package dev.hearth.spark.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the job's SparkSession on whatever master spark-submit chose (never set here), adding the settings DL4J
 * cannot work without when the submitter forgot them.
 */
final class SparkSessions {
    static final String KRYO = "org.apache.spark.serializer.KryoSerializer";
    static final String ND4J_REGISTRATOR = dev.hearth.spark.serde.HearthKryoRegistrator.NAME;
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

    private SparkSessions() {}

    /** A session exactly as submitted, without Hearth's safety defaults (for the doctor, which must see the truth). */
    static SparkSession openAsConfigured(String appName) {
        return SparkSession.builder().appName(appName).getOrCreate();
    }

    static SparkSession open(String appName) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (!conf.contains("spark.serializer")) {
            LOG.warn(
                    "spark.serializer not set: using {} with {} (pass conf/spark-defaults.conf to spark-submit)",
                    KRYO,
                    ND4J_REGISTRATOR);
            builder.config("spark.serializer", KRYO).config("spark.kryo.registrator", ND4J_REGISTRATOR);
        }
        if (!conf.contains("spark.locality.wait")) {
            builder.config("spark.locality.wait", "0");
        }
        return builder.getOrCreate();
    }
}
