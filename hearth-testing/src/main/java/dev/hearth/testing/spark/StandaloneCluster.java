package dev.hearth.testing.spark;

import dev.hearth.testing.ChildProcess;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Spark standalone cluster on 127.0.0.1 for integration tests: one Master and {@code n} Workers, each a
 * separate JVM started from the build's dependency classpath through a throw-away {@link SparkHome}, on free
 * ports. {@link #start} returns once every Worker is registered with the Master; {@link #close} stops every
 * process it started (executors, Workers, Master) by PID. All logs stay in the cluster's directory;
 * {@link #logs()} collects their tails for failure messages.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Path dir;
    private final SparkHome home;
    private final String masterUrl;
    private final int masterWebUiPort;
    private final ChildProcess master;
    private final List<ChildProcess> workers;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private StandaloneCluster(
            Path dir,
            SparkHome home,
            String masterUrl,
            int masterWebUiPort,
            ChildProcess master,
            List<ChildProcess> workers) {
        this.dir = dir;
        this.home = home;
        this.masterUrl = masterUrl;
        this.masterWebUiPort = masterWebUiPort;
        this.master = master;
        this.workers = workers;
    }

    /**
     * Starts a Master and {@code workers} Workers of {@code coresPerWorker} cores and {@code workerMemory}
     * (e.g. {@code 1536m}) each, and waits until all Workers are registered.
     *
     * @param dir an empty directory for SPARK_HOME, work dirs and logs
     */
    public static StandaloneCluster start(Path dir, int workers, int coresPerWorker, String workerMemory) {
        long t0 = System.nanoTime();
        SparkHome home = SparkHome.create(dir.resolve("spark-home"), HearthBuild.sparkJobsClasspath());
        int[] ports = freePorts(2 + 2 * workers);
        String masterUrl = "spark://" + LOOPBACK + ":" + ports[0];
        ChildProcess master = start(
                "spark-master",
                daemonCommand(
                        home,
                        "org.apache.spark.deploy.master.Master",
                        "--host",
                        LOOPBACK,
                        "--port",
                        String.valueOf(ports[0]),
                        "--webui-port",
                        String.valueOf(ports[1])),
                environment(home, dir.resolve("master-local")),
                dir.resolve("master.log"));
        List<ChildProcess> started = new ArrayList<>();
        StandaloneCluster cluster = new StandaloneCluster(dir, home, masterUrl, ports[1], master, started);
        try {
            // A Worker that finds no Master retries only after 5-15 s: start Workers once the Master answers.
            Poll.until(
                    "the master's web UI to answer",
                    REGISTRATION_TIMEOUT,
                    Duration.ofMillis(100),
                    () -> cluster.requireAlive().aliveWorkers().isPresent(),
                    cluster::logs);
            LOG.info("Master {} up after {} ms", masterUrl, (System.nanoTime() - t0) / 1_000_000);
            for (int i = 0; i < workers; i++) {
                started.add(cluster.startWorker(i, ports[2 + 2 * i], ports[3 + 2 * i], coresPerWorker, workerMemory));
            }
            Poll.until(
                    workers + " workers registered with " + masterUrl,
                    REGISTRATION_TIMEOUT,
                    Duration.ofMillis(250),
                    () -> cluster.requireAlive().aliveWorkers().orElse(0) >= workers,
                    cluster::logs);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        LOG.info(
                "Standalone cluster {} ready: {} workers registered {} ms after start (master web UI port {})",
                masterUrl,
                workers,
                (System.nanoTime() - t0) / 1_000_000,
                ports[1]);
        return cluster;
    }

    /**
     * Starts one more Worker of {@code cores} cores and {@code memory} for this cluster's Master (a Worker joining a
     * running cluster, e.g. to test dynamic allocation) and waits until it is registered. It is stopped with the
     * cluster; a test may also kill it (and its executors, {@link ChildProcess#descendants()}) itself.
     */
    public ChildProcess addWorker(int cores, String memory) {
        int index = workers.size();
        int registered = aliveWorkers().orElse(0);
        int[] ports = freePorts(2);
        ChildProcess worker = startWorker(index, ports[0], ports[1], cores, memory);
        workers.add(worker);
        Poll.until(
                "worker " + index + " registered with " + masterUrl,
                REGISTRATION_TIMEOUT,
                Duration.ofMillis(250),
                () -> aliveWorkers().orElse(0) > registered,
                this::logs);
        return worker;
    }

    /** Starts Worker {@code index} (its work directory and log named by the index) for this cluster's Master. */
    private ChildProcess startWorker(int index, int port, int webUiPort, int cores, String memory) {
        Path workDir = dir.resolve("worker-" + index);
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return start(
                "spark-worker-" + index,
                daemonCommand(
                        home,
                        "org.apache.spark.deploy.worker.Worker",
                        "--host",
                        LOOPBACK,
                        "--port",
                        String.valueOf(port),
                        "--webui-port",
                        String.valueOf(webUiPort),
                        "--cores",
                        String.valueOf(cores),
                        "--memory",
                        memory,
                        "--work-dir",
                        workDir.toString(),
                        masterUrl),
                environment(home, workDir.resolve("local")),
                dir.resolve("worker-" + index + ".log"));
    }

    /** The {@code spark://127.0.0.1:port} URL applications connect to. */
    public String masterUrl() {
        return masterUrl;
    }

    /** PIDs of the Master and the Workers. */
    public List<Long> daemonPids() {
        return Stream.concat(Stream.of(master), workers.stream())
                .map(ChildProcess::pid)
                .toList();
    }

    /** The executor JVMs currently alive: children of the Worker processes running {@code CoarseGrainedExecutorBackend}. */
    public List<ExecutorProcess> executors() {
        List<ExecutorProcess> out = new ArrayList<>();
        for (ChildProcess worker : workers) {
            for (ProcessHandle child : worker.descendants()) {
                List<String> args = commandLine(child.pid());
                if (args.contains(EXECUTOR_MAIN)) {
                    out.add(new ExecutorProcess(
                            child.pid(), argument(args, "--executor-id"), argument(args, "--app-id")));
                }
            }
        }
        return out;
    }

    /** Workers the Master reports alive, from its JSON status page; empty while it is not answering. */
    public OptionalInt aliveWorkers() {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://" + LOOPBACK + ":" + masterWebUiPort + "/json/"))
                .timeout(Duration.ofSeconds(5))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher m = ALIVE_WORKERS.matcher(response.body());
            return response.statusCode() == 200 && m.find()
                    ? OptionalInt.of(Integer.parseInt(m.group(1)))
                    : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /** Tails of the Master, Worker and executor logs, for failure messages. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (ChildProcess p : Stream.concat(Stream.of(master), workers.stream()).toList()) {
            sb.append("\n===== ")
                    .append(p)
                    .append(p.isAlive() ? "" : " EXITED")
                    .append(" =====\n")
                    .append(p.tail(60));
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .sorted()
                    .toList()) {
                sb.append("\n===== executor ")
                        .append(dir.relativize(f))
                        .append(" =====\n")
                        .append(ChildProcess.tailOf(f, 60));
            }
        } catch (IOException | UncheckedIOException e) {
            sb.append("\n(cannot list executor logs: ").append(e.getMessage()).append(")");
        }
        return sb.toString();
    }

    /** Stops executors, Workers and the Master, each by the PID recorded for it. */
    @Override
    public void close() {
        // Each Worker's stop also kills the executors it leaves behind (recorded before the signal).
        for (ChildProcess worker : workers) {
            worker.stop(STOP_GRACE);
        }
        master.stop(STOP_GRACE);
        home.unlinkJars();
    }

    private StandaloneCluster requireAlive() {
        for (ChildProcess p : Stream.concat(Stream.of(master), workers.stream()).toList()) {
            if (!p.isAlive()) {
                throw new AssertionError(p + " exited while the cluster started" + logs());
            }
        }
        return this;
    }

    /** Starts a daemon with every inherited {@code SPARK_*} and {@code HADOOP_CONF_DIR} variable removed. */
    private static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        return ChildProcess.builder(name, command)
                .removeEnv(k -> k.startsWith("SPARK_") || k.equals("HADOOP_CONF_DIR"))
                .env(env)
                .mergedLog(log)
                .start();
    }

    private static List<String> daemonCommand(SparkHome home, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + HearthBuild.jvmArgsFile(),
                "-Xmx256m",
                // Master and Workers only pass messages: spare the 2 cores the JIT's C2 work and a parallel GC.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                home.classpath(),
                mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Map<String, String> environment(SparkHome home, Path localDirs) {
        return Map.of(
                "SPARK_HOME",
                home.dir().toString(),
                "SPARK_SCALA_VERSION",
                "2.12",
                "SPARK_LOCAL_IP",
                LOOPBACK,
                "SPARK_LOCAL_DIRS",
                localDirs.toString(),
                // Workers launch executors with $JAVA_HOME/bin/java: make it this JDK 17.
                "JAVA_HOME",
                System.getProperty("java.home"),
                "OMP_NUM_THREADS",
                "1");
    }

    /** Ephemeral ports on 127.0.0.1, all held open until every one is chosen so none repeats. */
    private static int[] freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the port is free again either way
                }
            }
        }
    }

    private static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return Optional.ofNullable(ProcessHandle.of(pid)
                            .flatMap(h -> h.info().arguments())
                            .orElse(null))
                    .map(List::of)
                    .orElse(List.of());
        }
    }

    private static String argument(List<String> args, String name) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : "?";
    }
}
