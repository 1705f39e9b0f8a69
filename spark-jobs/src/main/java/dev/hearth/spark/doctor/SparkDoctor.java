package dev.hearth.spark.doctor;

import dev.hearth.spark.serde.HearthKryoRegistrator;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

/**
 * Checks a live SparkSession's configuration before a long DL4J run: Kryo with ND4J's registrator (round-trips an
 * INDArray on the driver and through the executors), Java 17 module flags, locality wait, executor off-heap
 * headroom versus ND4J's limit, BLAS threads versus executor cores, and the default file system versus the Export
 * approach of {@code train.engine=dl4j}; with paths or a store root also what each executor (YARN container) sees ({@link ExecutorChecks}).
 */
public final class SparkDoctor {
    private static final List<String> REQUIRED_OPENS =
            List.of("java.base/java.nio", "java.base/sun.nio.ch", "java.base/java.lang.invoke", "java.base/java.util");

    private final SparkSession spark;
    private final List<String> paths;
    private final String storeRoot;

    public SparkDoctor(SparkSession spark) {
        this(spark, List.of(), null);
    }

    /**
     * A doctor that also checks, inside every executor, that each of {@code paths} resolves (S3A, HDFS), and, when
     * {@code storeRoot} is not null, how the model store there creates versions exclusively.
     */
    public SparkDoctor(SparkSession spark, List<String> paths, String storeRoot) {
        this.spark = spark;
        this.paths = List.copyOf(paths);
        this.storeRoot = storeRoot;
    }

    /** Runs every check. */
    public List<Check> run() {
        SparkConf conf = spark.sparkContext().getConf();
        List<Check> checks = new ArrayList<>();
        checks.add(kryo(conf));
        checks.add(executorRoundTrip());
        checks.add(addOpens());
        checks.add(localityWait(conf));
        checks.add(offHeap(conf));
        checks.add(blasThreads(conf));
        checks.add(exportApproach());
        if (!paths.isEmpty() || storeRoot != null) {
            checks.addAll(new ExecutorChecks(spark, paths, storeRoot).run());
        }
        return checks;
    }

    static Check kryo(SparkConf conf) {
        String name = "Kryo serializer with an ND4J registrator";
        if (!conf.get("spark.serializer", "").contains("KryoSerializer")) {
            return new Check(
                    name,
                    Check.Status.FAIL,
                    "spark.serializer is " + conf.get("spark.serializer", "<unset>"),
                    "--conf spark.serializer=org.apache.spark.serializer.KryoSerializer");
        }
        String registrator = conf.get("spark.kryo.registrator", "");
        if (!HearthKryoRegistrator.NAME.equals(registrator) && !"org.nd4j.kryo.Nd4jRegistrator".equals(registrator)) {
            return new Check(
                    name,
                    Check.Status.FAIL,
                    "spark.kryo.registrator is " + conf.get("spark.kryo.registrator", "<unset>"),
                    "--conf spark.kryo.registrator=" + HearthKryoRegistrator.NAME);
        }
        try {
            SerializerInstance kryo = new KryoSerializer(conf).newInstance();
            INDArray a = Nd4j.linspace(1, 12, 12).reshape(3, 4);
            INDArray back = kryo.deserialize(
                    kryo.serialize(a, ClassTag$.MODULE$.apply(INDArray.class)),
                    ClassTag$.MODULE$.apply(INDArray.class));
            if (!HearthKryoRegistrator.NAME.equals(registrator)) {
                return a.equals(back)
                        ? new Check(
                                name,
                                Check.Status.WARN,
                                "org.nd4j.kryo.Nd4jRegistrator works but "
                                        + "serialises arrays element by element (slower averaging rounds)",
                                "--conf spark.kryo.registrator=" + HearthKryoRegistrator.NAME)
                        : new Check(
                                name,
                                Check.Status.FAIL,
                                "an INDArray came back different",
                                "check the registrator class");
            }
            return a.equals(back)
                    ? Check.ok(name, "an INDArray round-trips on the driver")
                    : new Check(
                            name, Check.Status.FAIL, "an INDArray came back different", "check the registrator class");
        } catch (RuntimeException e) {
            return new Check(
                    name,
                    Check.Status.FAIL,
                    "round trip failed: " + e,
                    "check spark.kryo.registrator and the classpath");
        }
    }

    private Check executorRoundTrip() {
        String name = "INDArray through the executors";
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<INDArray> out = sc.parallelize(List.of(1, 2), 2)
                    .map(i -> Nd4j.ones(2, 2).muli(i))
                    .collect();
            double sum =
                    out.stream().mapToDouble(a -> a.sumNumber().doubleValue()).sum();
            return sum == 12.0
                    ? Check.ok(name, "executors created, serialised and returned INDArrays")
                    : new Check(name, Check.Status.FAIL, "sum was " + sum + ", expected 12", "check Kryo settings");
        } catch (RuntimeException e) {
            return new Check(
                    name,
                    Check.Status.FAIL,
                    e.toString(),
                    "make sure executors have DL4J/ND4J (the shaded jobs jar) and the Kryo settings above");
        }
    }

    private static Check addOpens() {
        String name = "Java 17 --add-opens on the driver";
        String args = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
        List<String> missing = REQUIRED_OPENS.stream()
                .filter(o -> !args.contains(o + "=ALL-UNNAMED"))
                .toList();
        if (Runtime.version().feature() < 17 || missing.isEmpty()) {
            return Check.ok(name, "present");
        }
        return new Check(
                name,
                Check.Status.FAIL,
                "missing " + missing,
                "start the driver JVM with @conf/jvm17.args (spark-submit adds them for you; plain java does not)");
    }

    private static Check localityWait(SparkConf conf) {
        String v = conf.get("spark.locality.wait", "3s");
        return v.equals("0") || v.equals("0s")
                ? Check.ok("spark.locality.wait", "0")
                : new Check(
                        "spark.locality.wait",
                        Check.Status.WARN,
                        v + ": each averaging round waits for locality",
                        "--conf spark.locality.wait=0");
    }

    private Check offHeap(SparkConf conf) {
        String name = "executor off-heap headroom vs ND4J limit";
        if (spark.sparkContext().master().startsWith("local")) {
            return Check.ok(
                    name, "local mode: ND4J shares the driver JVM (size -Dorg.bytedeco.javacpp.maxbytes on it)");
        }
        long executorMb = conf.getSizeAsMb("spark.executor.memory", "1g");
        long overheadMb = conf.contains("spark.executor.memoryOverhead")
                ? conf.getSizeAsMb("spark.executor.memoryOverhead", "0")
                : Math.max(384, executorMb / 10);
        Matcher m = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.maxbytes=(\\S+)")
                .matcher(conf.get("spark.executor.extraJavaOptions", ""));
        if (!m.find()) {
            return new Check(
                    name,
                    Check.Status.WARN,
                    "org.bytedeco.javacpp.maxbytes not set; overhead " + overheadMb + " MB",
                    "add -Dorg.bytedeco.javacpp.maxbytes=<below overhead> to spark.executor.extraJavaOptions");
        }
        long maxMb = sizeMb(m.group(1));
        return maxMb < overheadMb
                ? Check.ok(name, "ND4J max " + maxMb + " MB < overhead " + overheadMb + " MB")
                : new Check(
                        name,
                        Check.Status.FAIL,
                        "ND4J max " + maxMb + " MB >= overhead " + overheadMb + " MB",
                        "raise spark.executor.memoryOverhead above org.bytedeco.javacpp.maxbytes");
    }

    private Check blasThreads(SparkConf conf) {
        String name = "BLAS threads x executor cores";
        boolean local = spark.sparkContext().master().startsWith("local");
        String omp = local ? System.getenv("OMP_NUM_THREADS") : conf.get("spark.executorEnv.OMP_NUM_THREADS", null);
        int cores = local ? spark.sparkContext().defaultParallelism() : conf.getInt("spark.executor.cores", 1);
        int machine = Runtime.getRuntime().availableProcessors();
        if (omp == null) {
            return new Check(
                    name,
                    Check.Status.WARN,
                    "OMP_NUM_THREADS unset: ND4J starts one BLAS thread per core in every task",
                    local ? "export OMP_NUM_THREADS=1" : "--conf spark.executorEnv.OMP_NUM_THREADS=1");
        }
        int threads = Integer.parseInt(omp.strip());
        String detail = String.format(
                Locale.ROOT,
                "%d task slots x %d BLAS threads%s",
                cores,
                threads,
                local ? " on " + machine + " cores" : " per executor");
        return !local || cores * threads <= machine
                ? Check.ok(name, detail)
                : new Check(name, Check.Status.WARN, detail + ": oversubscribed", "set OMP_NUM_THREADS=1");
    }

    private Check exportApproach() {
        // Only train.engine=dl4j exports minibatches; the default engine (hearth) caches them on the executors.
        String name = "default FS vs Export (train.engine=dl4j)";
        String master = spark.sparkContext().master();
        String scheme = FileSystem.getDefaultUri(spark.sparkContext().hadoopConfiguration())
                .getScheme();
        if (master.startsWith("local") || !"file".equals(scheme)) {
            return Check.ok(name, "default FS " + scheme + ": train.engine=dl4j uses Export (fast)");
        }
        return new Check(
                name,
                Check.Status.WARN,
                "default FS is file: on " + master + ": train.engine=dl4j falls back to Direct (slower);"
                        + " train.engine=hearth (the default) needs no shared FS",
                "--conf spark.hadoop.fs.defaultFS=hdfs://<namenode> (or s3a://)");
    }

    static long sizeMb(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        double n = Double.parseDouble(s.replaceAll("[^0-9.]", ""));
        if (s.endsWith("g")) {
            return (long) (n * 1024);
        }
        if (s.endsWith("m")) {
            return (long) n;
        }
        if (s.endsWith("k")) {
            return (long) (n / 1024);
        }
        return (long) (n / (1024 * 1024));
    }
}
