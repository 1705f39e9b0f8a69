package dev.hearth.spark.training;

import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpersists the worker results DL4J caches in every averaging round. {@code ParameterAveragingTrainingMaster}
 * persists each round's results ({@code MEMORY_AND_DISK}, deserialised) and never releases them; Spark sizes them
 * by their small on-heap part, so the parameter and updater copies they hold off-heap pile up round after round
 * (2 workers x 3 copies of the parameters per round). After every job, this listener releases unnamed RDDs with
 * that storage level created since the session opened; Hearth's own cached RDDs use other levels or names. Other
 * code sharing the SparkContext (a notebook) that caches unnamed RDDs this way during training loses only the cache:
 * Spark recomputes them when used; naming such an RDD ({@code setName}) keeps it.
 */
final class RoundResultReaper extends SparkListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoundResultReaper.class);
    private final JavaSparkContext sc;
    private final int firstRddId;
    private volatile long released;

    private RoundResultReaper(JavaSparkContext sc, int firstRddId) {
        this.sc = sc;
        this.firstRddId = firstRddId;
    }

    /** Starts reaping RDDs created from now on. */
    static RoundResultReaper start(JavaSparkContext sc) {
        JavaRDD<Object> probe = sc.emptyRDD();
        RoundResultReaper reaper = new RoundResultReaper(sc, probe.id());
        sc.sc().addSparkListener(reaper);
        return reaper;
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
        reap();
    }

    /** Releases the round results cached so far. */
    synchronized void reap() {
        for (Map.Entry<Integer, JavaRDD<?>> e : sc.getPersistentRDDs().entrySet()) {
            RDD<?> rdd = e.getValue().rdd();
            if (e.getKey() > firstRddId
                    && rdd.name() == null
                    && StorageLevel.MEMORY_AND_DISK().equals(rdd.getStorageLevel())) {
                rdd.unpersist(false);
                released++;
            }
        }
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(this);
        reap();
        LOG.debug("Released {} cached round results", released);
    }
}
