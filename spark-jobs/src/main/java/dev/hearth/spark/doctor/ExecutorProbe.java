package dev.hearth.spark.doctor;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * What one executor (on YARN: one container) sees from the inside: its container id, heap limit, ND4J's off-heap
 * limit, the memory the cluster manager granted it, BLAS threads versus its cores, and whether each path the job
 * needs ({@code s3a://}, {@code hdfs://}) resolves and can be listed with the executor's own Hadoop configuration.
 *
 * @param executor executor id and host
 * @param container YARN container id ({@code CONTAINER_ID}), or "-" outside YARN
 * @param heapMb the executor JVM's max heap
 * @param maxBytesMb ND4J's off-heap limit ({@code org.bytedeco.javacpp.maxbytes}), -1 when unset
 * @param overheadMb the memory overhead granted on top of the heap
 * @param cores task slots of the executor
 * @param ompThreads OMP_NUM_THREADS in the executor's environment, null when unset
 * @param paths per path: "ok (scheme)" or the error
 */
public record ExecutorProbe(
        String executor,
        String container,
        long heapMb,
        long maxBytesMb,
        long overheadMb,
        int cores,
        String ompThreads,
        Map<String, String> paths)
        implements Serializable {

    /** Runs one probe task per executor slot of {@code sc} and returns one probe per distinct executor. */
    public static List<ExecutorProbe> run(JavaSparkContext sc, List<String> paths) {
        int slots = Math.max(1, sc.defaultParallelism());
        List<Integer> tasks = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            tasks.add(i);
        }
        List<String> wanted = List.copyOf(paths);
        Map<String, ExecutorProbe> byExecutor = new LinkedHashMap<>();
        // Maps travel back (Kryo cannot build records: their fields are final).
        for (Map<String, String> m :
                sc.parallelize(tasks, slots).map(i -> inside(wanted).toMap()).collect()) {
            ExecutorProbe p = fromMap(m);
            byExecutor.putIfAbsent(p.executor(), p);
        }
        return List.copyOf(byExecutor.values());
    }

    LinkedHashMap<String, String> toMap() {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put("executor", executor);
        m.put("container", container);
        m.put("heapMb", Long.toString(heapMb));
        m.put("maxBytesMb", Long.toString(maxBytesMb));
        m.put("overheadMb", Long.toString(overheadMb));
        m.put("cores", Integer.toString(cores));
        if (ompThreads != null) {
            m.put("ompThreads", ompThreads);
        }
        paths.forEach((k, v) -> m.put("path:" + k, v));
        return m;
    }

    static ExecutorProbe fromMap(Map<String, String> m) {
        Map<String, String> paths = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("path:")) {
                paths.put(k.substring("path:".length()), v);
            }
        });
        return new ExecutorProbe(
                m.get("executor"),
                m.get("container"),
                Long.parseLong(m.get("heapMb")),
                Long.parseLong(m.get("maxBytesMb")),
                Long.parseLong(m.get("overheadMb")),
                Integer.parseInt(m.get("cores")),
                m.get("ompThreads"),
                paths);
    }

    /** The probe, run inside an executor. */
    static ExecutorProbe inside(List<String> paths) {
        SparkEnv env = SparkEnv.get();
        Configuration hadoop = SparkHadoopUtil.get().newConfiguration(env.conf());
        Map<String, String> reach = new LinkedHashMap<>();
        for (String p : paths) {
            reach.put(p, reach(hadoop, p));
        }
        long executorMb = env.conf().getSizeAsMb("spark.executor.memory", "1g");
        long overheadMb = env.conf().contains("spark.executor.memoryOverhead")
                ? env.conf().getSizeAsMb("spark.executor.memoryOverhead", "0")
                : Math.max(384, executorMb / 10);
        String maxBytes = System.getProperty("org.bytedeco.javacpp.maxbytes");
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return new ExecutorProbe(
                env.executorId() + "@" + host,
                System.getenv().getOrDefault("CONTAINER_ID", "-"),
                Runtime.getRuntime().maxMemory() >> 20,
                maxBytes == null ? -1 : SparkDoctor.sizeMb(maxBytes),
                overheadMb,
                env.conf().getInt("spark.executor.cores", Runtime.getRuntime().availableProcessors()),
                System.getenv("OMP_NUM_THREADS"),
                reach);
    }

    /** "ok (...)" when {@code path}'s file system initialises and the path (or its parent) can be read. */
    static String reach(Configuration hadoop, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(hadoop);
            boolean exists = fs.exists(p);
            return "ok (" + fs.getClass().getSimpleName() + ", "
                    + (exists
                            ? "exists"
                            : "absent, parent readable: " + (p.getParent() == null || fs.exists(p.getParent())))
                    + ")";
        } catch (Exception | LinkageError e) {
            String msg = String.valueOf(e.getMessage());
            return "error: " + e.getClass().getSimpleName() + ": "
                    + msg.lines().findFirst().orElse("");
        }
    }
}
