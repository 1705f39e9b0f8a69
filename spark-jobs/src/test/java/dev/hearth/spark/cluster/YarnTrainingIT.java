package dev.hearth.spark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.LocalSpark;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.it.S3MockEndpoint;
import dev.hearth.store.testing.S3TestEndpoint;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.JobArgs;
import dev.hearth.testing.hdfs.MiniHdfs;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hearth on YARN as users run it: a MiniYARNCluster (one NodeManager) with HDFS beside it, Spark's jars staged on
 * HDFS as {@code spark.yarn.jars}, and {@code spark-submit --master yarn} (Spark's SparkSubmit class with spark-yarn
 * on its class path) of the shaded jobs jar with {@code conf/spark-defaults.conf}: training in cluster mode
 * publishes to HDFS, evaluation runs in client mode, a second training in client mode survives an executor
 * container SIGKILLed mid-epoch, and {@code bin/hearth doctor --master yarn} runs its checks inside the containers.
 * The staged jars are those of a cluster without S3A (no hadoop-aws, no AWS SDK): doctor's {@code s3a://} check
 * against a loopback S3 endpoint (S3Mock in a child JVM) fails there with the jars to add, and passes once they travel
 * with {@code --jars}, as the README tells users.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YarnTrainingIT {
    private static final Logger LOG = LoggerFactory.getLogger(YarnTrainingIT.class);
    private static final Pattern APP_ID = Pattern.compile("(application_\\d+_\\d+)");

    private Path dir;
    private MiniHdfs hdfs;
    private MiniYarn yarn;
    private String sparkJars;
    private String data;
    private S3MockEndpoint s3;
    private String s3Data;
    private List<Path> s3aJars;

    @RegisterExtension
    final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> yarn == null ? "(no cluster)" : yarn.containerLogs());

    @BeforeAll
    void start(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        dir = tmp;
        hdfs = MiniHdfs.start(dir.resolve("hdfs"));
        yarn = MiniYarn.start(dir.resolve("yarn"), hdfs, 8192, 4);
        long t0 = System.nanoTime();
        FileSystem fs = hdfs.fileSystem();
        org.apache.hadoop.fs.Path jars = new org.apache.hadoop.fs.Path(hdfs.uri() + "/spark/jars");
        fs.mkdirs(jars);
        // A cluster without S3A: hadoop-aws and its SDK bundle (280 MB) travel with --jars where a run needs them.
        List<Path> all = clusterClasspath();
        s3aJars = all.stream().filter(YarnTrainingIT::isS3aJar).toList();
        assertThat(s3aJars).hasSize(2);
        List<Path> staged = all.stream().filter(j -> !isS3aJar(j)).toList();
        // Four uploads at a time: each of the ~190 files costs NameNode and pipeline round trips besides its bytes.
        ExecutorService uploads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Path jar : staged) {
                done.add(uploads.submit(() -> {
                    fs.copyFromLocalFile(
                            new org.apache.hadoop.fs.Path(jar.toUri()),
                            new org.apache.hadoop.fs.Path(
                                    jars, jar.getFileName().toString()));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            uploads.shutdownNow();
        }
        long bytes = 0;
        for (Path jar : staged) {
            bytes += Files.size(jar);
        }
        sparkJars = jars + "/*.jar";
        LOG.info("Staged {} MB of Spark jars on HDFS in {} ms", bytes >> 20, (System.nanoTime() - t0) / 1_000_000);
        Path csv = Path.of(
                getClass().getResource("/dev/hearth/spark/data/digits-8x8.csv").toURI());
        data = hdfs.upload(csv, "/data/digits-8x8.csv");
        s3 = S3MockEndpoint.start(
                dir.resolve("s3"), LocalSpark.projectRoot().resolve("s3mock-server/target/classpath.txt"));
        org.apache.hadoop.fs.Path s3Path =
                new org.apache.hadoop.fs.Path("s3a://" + S3TestEndpoint.BUCKET + "/data/digits-8x8.csv");
        try (FileSystem s3fs = s3Path.getFileSystem(s3.hadoopConf())) {
            s3fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(csv.toUri()), s3Path);
        }
        s3Data = s3Path.toString();
    }

    private static boolean isS3aJar(Path jar) {
        String name = jar.getFileName().toString();
        return name.startsWith("hadoop-aws-") || name.startsWith("aws-java-sdk-bundle-");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (yarn != null) {
                yarn.close();
            }
        } finally {
            try {
                if (hdfs != null) {
                    hdfs.close();
                }
            } finally {
                if (s3 != null) {
                    s3.close();
                }
            }
        }
    }

    @Test
    void trainOnYarnPublishToHdfsEvaluateAndSurviveAnExecutorKill() throws Exception {
        String store = hdfs.uri() + "/models";

        Run cluster = submit(
                "cluster",
                "dev.hearth.spark.job.TrainJob",
                JobArgs.train(
                        data, "digits", store, "network.hidden=32", "train.epochs=2", "train.batch.size.per.worker=32"),
                null);
        // spark-submit waits for the application (spark.yarn.submit.waitAppCompletion) and exits 1 unless it SUCCEEDED.
        assertThat(cluster.exitCode()).as(cluster.output()).isZero();
        HadoopModelStore models = HadoopModelStore.open(store, hdfs.fileSystem().getConf());
        ModelVersion v1 = models.resolve(ModelRef.parse("digits/1"));
        assertThat(v1.metadata().provenance()).containsEntry("sparkMaster", "yarn");
        models.verify(v1);

        Run evaluate = submit(
                "client",
                "dev.hearth.spark.job.EvaluateJob",
                List.of("--model", "digits/1", "--data", data, "--store", store),
                null);
        assertThat(evaluate.exitCode()).as(evaluate.output()).isZero();
        assertThat(evaluate.output()).containsPattern("accuracy +0\\.\\d+");

        // Client mode: the driver's log is ours to watch; once epoch 2 is over, SIGKILL one executor container.
        Run killed = submit(
                "client",
                "dev.hearth.spark.job.TrainJob",
                JobArgs.train(
                        data, "digits", store, "network.hidden=32", "train.epochs=4", "train.batch.size.per.worker=32"),
                "epoch 2/4");
        assertThat(killed.exitCode()).as(killed.output()).isZero();
        assertThat(killed.victim()).as("an executor container was killed").isPresent();
        assertThat(killed.output()).contains("published digits/2");
        ModelVersion v2 = models.resolve(ModelRef.parse("digits/2"));
        assertThat(v2.metadata().provenance()).containsEntry("epochs", 4);
        models.verify(v2);
    }

    @Test
    void doctorInContainersFailsS3aWithTheJarsToAddThenPassesWithThem() throws Exception {
        String store = hdfs.uri() + "/models";
        String inContainer = " in executor \\S+ \\(container container_\\w+\\)";
        Configuration s3a = new Configuration(false);
        s3.s3aSettings().forEach(s3a::set);
        S3TestEndpoint.requireLoopback(s3a);

        // What a new user on a cluster without S3A sees: the check fails inside the containers and names the jars.
        Run without = doctorThroughLauncher(List.of(), store);
        assertThat(without.exitCode()).as(without.output()).isEqualTo(1);
        assertThat(without.output())
                .containsPattern("FAIL +reach " + Pattern.quote(s3Data) + inContainer
                        + " +S3A is not on this executor's class path .*S3AFileSystem not found");
        String shipped = s3aJars.stream()
                        .filter(j -> j.getFileName().toString().startsWith("hadoop-aws-"))
                        .findFirst()
                        .orElseThrow()
                + ","
                + s3aJars.stream()
                        .filter(j -> j.getFileName().toString().startsWith("aws-java-sdk-bundle-"))
                        .findFirst()
                        .orElseThrow();
        assertThat(without.output())
                .contains("fix: add hadoop-aws-3.3.4.jar and its aws-java-sdk-bundle to the job")
                .contains("--master yarn --jars " + shipped)
                .containsPattern("OK +reach " + Pattern.quote(data) + inContainer);

        // The fix as the README gives it: --jars ships hadoop-aws and the SDK bundle into the containers.
        Run with = doctorThroughLauncher(List.of("--jars", shipped), store);
        String out = with.output();
        assertThat(out)
                .containsPattern(
                        "OK +reach " + Pattern.quote(s3Data) + inContainer + " +ok \\(S3AFileSystem, exists\\)");
        assertThat(out)
                .containsPattern(
                        "OK +reach " + Pattern.quote(data) + inContainer + " +ok \\(DistributedFileSystem, exists\\)");
        assertThat(out)
                .containsPattern(
                        "OK +off-heap vs container overhead" + inContainer + " +ND4J max \\d+ MB, overhead \\d+ MB");
        assertThat(out).containsPattern("OK +BLAS threads vs vcores" + inContainer + " +\\d+ vcores x 1 BLAS threads");
        assertThat(out).containsPattern("OK +store exclusive creates +temporary file \\+ rename");
        assertThat(out).doesNotContain("FAIL").doesNotContain(s3.secret());
        assertThat(with.exitCode()).as(out).isZero();
    }

    private record Run(int exitCode, String output, Optional<Long> victim) {}

    /**
     * spark-submit to YARN; when {@code killAfter} is not null, SIGKILLs one executor container of the application
     * as soon as the driver output contains it.
     */
    private Run submit(String deployMode, String mainClass, List<String> args, String killAfter) throws Exception {
        Path root = LocalSpark.projectRoot();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + HearthBuild.jvmArgsFile(),
                "-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"),
                "-Xmx512m",
                "-cp",
                yarn.confDir()
                        + File.pathSeparator
                        + Files.readString(root.resolve("spark-jobs/target/classpath.txt"))
                                .strip(),
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                "yarn",
                "--deploy-mode",
                deployMode,
                "--properties-file",
                root.resolve("conf/spark-defaults.conf").toString(),
                "--conf",
                "spark.yarn.jars=" + sparkJars,
                "--conf",
                "spark.executor.instances=2",
                "--conf",
                "spark.executor.cores=1",
                "--conf",
                "spark.executor.memory=512m",
                "--conf",
                "spark.driver.memory=768m",
                "--conf",
                "spark.yarn.am.memory=384m",
                "--conf",
                "spark.yarn.maxAppAttempts=1",
                // Tasks start once one of the two executors is up: on a busy machine the second one often comes
                // after Spark's 30 s wait for 80% of them (YARN's default), which every application sat through.
                "--conf",
                "spark.scheduler.minRegisteredResourcesRatio=0.5",
                "--conf",
                "spark.yarn.appMasterEnv.JAVA_HOME=" + System.getProperty("java.home"),
                "--conf",
                "spark.executorEnv.JAVA_HOME=" + System.getProperty("java.home"),
                "--conf",
                "spark.ui.enabled=false"));
        if (deployMode.equals("client")) {
            cmd.addAll(List.of("--conf", "spark.driver.host=127.0.0.1"));
        }
        cmd.addAll(List.of("--class", mainClass, HearthBuild.sparkJobsJar().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HADOOP_CONF_DIR", yarn.confDir().toString());
        pb.environment().put("YARN_CONF_DIR", yarn.confDir().toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Optional<Long> victim = Optional.empty();
        String appId = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                Matcher m = APP_ID.matcher(line);
                if (appId == null && m.find()) {
                    appId = m.group(1);
                }
                if (killAfter != null && victim.isEmpty() && line.contains(killAfter)) {
                    victim = killOneExecutor();
                    out.append("[test] SIGKILLed executor container JVM ")
                            .append(victim.orElse(-1L))
                            .append('\n');
                }
            }
        } finally {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        LOG.info(
                "spark-submit --deploy-mode {} {} ({}) exited {} after {} s",
                deployMode,
                mainClass,
                appId,
                p.exitValue(),
                (System.nanoTime() - t0) / 1_000_000_000);
        return new Run(p.exitValue(), out.toString(), victim);
    }

    /**
     * {@code bin/hearth doctor --master yarn} as a user runs it: a copy of conf/ whose spark-defaults.conf also names
     * the staged Spark jars (and, for this test's containers, JAVA_HOME), HADOOP_CONF_DIR/YARN_CONF_DIR set.
     */
    private Run doctorThroughLauncher(List<String> launcherArgs, String store) throws Exception {
        Path root = LocalSpark.projectRoot();
        Path conf = dir.resolve("conf");
        if (!Files.isDirectory(conf)) {
            Files.createDirectories(conf);
            try (var files = Files.list(root.resolve("conf"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, conf.resolve(f.getFileName().toString()));
                }
            }
            String javaHome = System.getProperty("java.home");
            StringBuilder extra = new StringBuilder("\nspark.yarn.jars " + sparkJars
                    + "\nspark.executor.instances 2\nspark.executor.memory 512m"
                    + "\nspark.yarn.am.memory 384m\nspark.yarn.maxAppAttempts 1\nspark.ui.enabled false"
                    + "\nspark.scheduler.minRegisteredResourcesRatio 0.5"
                    + "\nspark.driver.host 127.0.0.1"
                    + "\nspark.yarn.appMasterEnv.JAVA_HOME " + javaHome + "\nspark.executorEnv.JAVA_HOME " + javaHome);
            // The loopback S3 endpoint for the containers, as spark.hadoop.fs.s3a.* (README "On YARN").
            for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) {
                extra.append("\nspark.hadoop.").append(e.getKey()).append(' ').append(e.getValue());
            }
            Files.writeString(
                    conf.resolve("spark-defaults.conf"),
                    Files.readString(conf.resolve("spark-defaults.conf")) + extra + "\n");
        }
        List<String> cmd =
                new ArrayList<>(List.of(root.resolve("bin/hearth").toString(), "doctor", "--master", "yarn"));
        cmd.addAll(launcherArgs);
        cmd.addAll(List.of("--path", s3Data, "--path", data, "--store", store));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HEARTH_CONF_DIR", conf.toString());
        pb.environment().put("HADOOP_CONF_DIR", yarn.confDir().toString());
        pb.environment().put("YARN_CONF_DIR", yarn.confDir().toString());
        pb.environment().put("HEARTH_DRIVER_MEMORY", "512m");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("SPARK_HOME");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        LOG.info("bin/hearth doctor --master yarn {} exited {}:\n{}", launcherArgs, p.exitValue(), out);
        return new Run(p.exitValue(), out, Optional.empty());
    }

    /**
     * SIGKILL, by PID, of one executor JVM in this test's NodeManager: its command line names the executor backend and
     * its container directory, which lies under this module's target/test/data/hearth-yarn-it.
     */
    private static Optional<Long> killOneExecutor() throws Exception {
        String nmDirs = LocalSpark.projectRoot()
                .resolve("spark-jobs/target/test/data/hearth-yarn-it")
                .toString();
        Optional<ProcessHandle> executor = ProcessHandle.allProcesses()
                .filter(h -> h.info()
                        .commandLine()
                        .map(c -> c.contains("YarnCoarseGrainedExecutorBackend") && c.contains(nmDirs))
                        .orElse(false))
                .findFirst();
        if (executor.isEmpty()) {
            return Optional.empty();
        }
        executor.get().destroyForcibly();
        executor.get().onExit().get(30, TimeUnit.SECONDS);
        LOG.info(
                "SIGKILLed executor JVM {}: {}",
                executor.get().pid(),
                executor.get()
                        .info()
                        .commandLine()
                        .map(c -> c.substring(Math.max(0, c.indexOf("--executor-id"))))
                        .orElse(""));
        return Optional.of(executor.get().pid());
    }

    /** What the cluster provides (Spark, spark-yarn, the Hadoop client, S3A): target/cluster-classpath.txt. */
    private static List<Path> clusterClasspath() throws IOException {
        String text = Files.readString(LocalSpark.projectRoot().resolve("spark-jobs/target/cluster-classpath.txt"))
                .strip();
        return Arrays.stream(text.split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
    }
}
