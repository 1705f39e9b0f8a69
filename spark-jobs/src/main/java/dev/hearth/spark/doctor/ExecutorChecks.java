package dev.hearth.spark.doctor;

import dev.hearth.store.hadoop.HadoopModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The doctor's checks made inside the executors ({@link ExecutorProbe}; on YARN inside the containers): off-heap
 * headroom versus the container's overhead, BLAS threads versus the executor's vcores, reachability of every
 * path (S3A, HDFS) with the executor's own Hadoop configuration; and, on the driver, how the model store creates
 * version numbers exclusively (conditional writes on S3, else the one-publisher rule).
 */
final class ExecutorChecks {
    private final SparkSession spark;
    private final List<String> paths;
    private final String storeRoot;

    ExecutorChecks(SparkSession spark, List<String> paths, String storeRoot) {
        this.spark = spark;
        this.paths = paths;
        this.storeRoot = storeRoot;
    }

    List<Check> run() {
        List<String> all = new ArrayList<>(paths);
        if (storeRoot != null) {
            all.add(storeRoot);
        }
        List<Check> checks = new ArrayList<>();
        List<ExecutorProbe> probes;
        try {
            probes = ExecutorProbe.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), all);
        } catch (RuntimeException e) {
            checks.add(new Check(
                    "checks inside executors",
                    Check.Status.FAIL,
                    e.toString(),
                    "make sure executors start and have the jobs jar (and hadoop-aws for s3a://)"));
            return checks;
        }
        for (ExecutorProbe p : probes) {
            checks.add(offHeap(p));
            checks.add(blas(p));
            for (Map.Entry<String, String> e : p.paths().entrySet()) {
                String name = "reach " + e.getKey() + " in " + where(p);
                checks.add(reachCheck(name, e.getKey(), e.getValue()));
            }
        }
        if (storeRoot != null) {
            checks.add(store());
        }
        return checks;
    }

    /** OK, or FAIL with the fix; an executor without S3A gets the jars to ship ({@link S3aJars}). */
    static Check reachCheck(String name, String path, String outcome) {
        if (outcome.startsWith("ok")) {
            return Check.ok(name, outcome);
        }
        if (path.startsWith("s3a:") && S3aJars.missing(outcome)) {
            return new Check(
                    name,
                    Check.Status.FAIL,
                    S3aJars.detail(outcome),
                    new S3aJars(ExecutorChecks.class.getClassLoader()).fix());
        }
        return new Check(name, Check.Status.FAIL, outcome, fix(path));
    }

    private static String where(ExecutorProbe p) {
        return "executor " + p.executor() + ("-".equals(p.container()) ? "" : " (container " + p.container() + ")");
    }

    static Check offHeap(ExecutorProbe p) {
        String name = "off-heap vs container overhead in " + where(p);
        if (p.maxBytesMb() < 0) {
            return new Check(
                    name,
                    Check.Status.WARN,
                    "org.bytedeco.javacpp.maxbytes unset in the executor; overhead " + p.overheadMb() + " MB",
                    "add -Dorg.bytedeco.javacpp.maxbytes=<below overhead> to " + "spark.executor.extraJavaOptions");
        }
        String detail =
                "ND4J max " + p.maxBytesMb() + " MB, overhead " + p.overheadMb() + " MB, heap " + p.heapMb() + " MB";
        return p.maxBytesMb() < p.overheadMb()
                ? Check.ok(name, detail)
                : new Check(
                        name,
                        Check.Status.FAIL,
                        detail + ": YARN kills the container when ND4J fills its limit",
                        "raise spark.executor.memoryOverhead above org.bytedeco.javacpp.maxbytes");
    }

    static Check blas(ExecutorProbe p) {
        String name = "BLAS threads vs vcores in " + where(p);
        if (p.ompThreads() == null) {
            return new Check(
                    name,
                    Check.Status.WARN,
                    "OMP_NUM_THREADS unset in the executor: one BLAS thread per core" + " in each of its " + p.cores()
                            + " task(s)",
                    "--conf spark.executorEnv.OMP_NUM_THREADS=1");
        }
        int threads = Integer.parseInt(p.ompThreads().strip());
        String detail = String.format(Locale.ROOT, "%d vcores x %d BLAS threads", p.cores(), threads);
        return threads == 1 || p.cores() == 1
                ? Check.ok(name, detail)
                : new Check(
                        name,
                        Check.Status.WARN,
                        detail + ": oversubscribes the container's vcores",
                        "--conf spark.executorEnv.OMP_NUM_THREADS=1");
    }

    private Check store() {
        String name = "store exclusive creates";
        try {
            HadoopModelStore store =
                    HadoopModelStore.open(storeRoot, spark.sparkContext().hadoopConfiguration());
            return store.multiPublisherSafe()
                    ? Check.ok(name, store.exclusiveCreates())
                    : new Check(
                            name,
                            Check.Status.WARN,
                            store.exclusiveCreates(),
                            "run one publisher per model, or use an endpoint that honours If-None-Match: * on PUT");
        } catch (RuntimeException e) {
            return new Check(name, Check.Status.FAIL, e.getMessage(), fix(storeRoot));
        }
    }

    private static String fix(String path) {
        return path.startsWith("s3a:")
                ? "check fs.s3a.endpoint, fs.s3a.endpoint.region and the credentials "
                        + "(spark.hadoop.fs.s3a.* on YARN, or core-site.xml in HADOOP_CONF_DIR) and that the bucket exists"
                : "check the path and the cluster's Hadoop configuration (HADOOP_CONF_DIR)";
    }
}
