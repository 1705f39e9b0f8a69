package dev.hearth.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The floor under any engine that runs one Spark job per averaging round: the wall time of a job of two tasks that
 * count one cached, already-computed partition each, on a fresh {@code local[2]} session with
 * the project's Spark defaults (as {@link HearthRun} trains). Scheduling, task launch and result handling only, no
 * data moved; a Hearth round adds its parameters' broadcast and results to this.
 */
final class SparkJobFloor {
    private static final int WARM_UP = 30;

    private final Path root;

    SparkJobFloor(Path root) {
        this.root = root;
    }

    /** Median wall time in ms of {@code jobs} such jobs after a warm-up. */
    Stats measure(int jobs) {
        SparkSession spark = HearthRun.localSession(root, "hearth-bench-job-floor");
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            // Spark's own functions only (count): the project's serial filter admits no bench class in a task.
            JavaRDD<Integer> cached = sc.parallelize(List.of(1, 2), 2).persist(StorageLevel.MEMORY_AND_DISK_SER());
            cached.count();
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < WARM_UP + jobs; i++) {
                long t0 = System.nanoTime();
                long n = cached.count();
                double took = (System.nanoTime() - t0) / 1e6;
                if (n != 2) {
                    throw new IllegalStateException("the floor job counted " + n + " elements, expected 2");
                }
                if (i >= WARM_UP) {
                    ms.add(took);
                }
            }
            return Stats.of(ms);
        } finally {
            spark.stop();
        }
    }
}
