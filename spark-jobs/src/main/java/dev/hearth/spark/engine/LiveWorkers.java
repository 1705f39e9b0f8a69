package dev.hearth.spark.engine;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.status.api.v1.ExecutorSummary;
import scala.collection.JavaConverters;

/**
 * How many workers an averaging round can use: the task slots (executor cores / {@code spark.task.cpus}) of the
 * executors alive now, from the application's status store (what the Spark UI's executors page shows). Under
 * {@code local[N]} that is N (the driver is the executor); on a cluster the driver is not counted. Read at each
 * round's start, so under dynamic allocation an executor that joined works from the next round.
 */
final class LiveWorkers {
    private final SparkContext context;
    private final int taskCpus;
    private final boolean local;

    LiveWorkers(JavaSparkContext sc) {
        this.context = sc.sc();
        this.taskCpus = Math.max(1, context.getConf().getInt("spark.task.cpus", 1));
        this.local = context.isLocal();
    }

    /** Task slots alive now; at least 1 (a round with no executor waits for one, as any Spark job does). */
    int count() {
        int cores = 0;
        for (ExecutorSummary e :
                JavaConverters.seqAsJavaList(context.statusStore().executorList(true))) {
            if (local == "driver".equals(e.id())) {
                cores += e.totalCores();
            }
        }
        return Math.max(1, cores / taskCpus);
    }
}
