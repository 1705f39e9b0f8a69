package dev.hearth.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Starts the project's artifacts as child processes, captures their output, and stops them by PID. */
final class Processes implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();
    private final java.util.Map<String, String> env = new java.util.HashMap<>();

    /** Sets an environment variable for every process started from now on (e.g. HADOOP_CONF_DIR). */
    Processes withEnv(String name, String value) {
        env.put(name, value);
        return this;
    }

    static Path root() {
        String r = System.getProperty("hearth.root");
        return r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> jvmArgs() {
        return List.of("@" + root().resolve("conf/jvm17.args"),
                "-Dlog4j2.configurationFile=" + root().resolve("conf/log4j2.properties"));
    }

    /** The command line of spark-submit (Spark's SparkSubmit class from the jobs' classpath) on local[2]. */
    static List<String> sparkSubmit(String mainClass, List<String> args) throws IOException {
        Path root = root();
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(jvmArgs());
        cmd.addAll(List.of("-Xmx2g", "-cp", Files.readString(root.resolve("spark-jobs/target/classpath.txt")).strip(),
                "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--properties-file", root.resolve("conf/spark-defaults.conf").toString(),
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                "--class", mainClass, root.resolve("spark-jobs/target/hearth-spark-jobs.jar").toString()));
        cmd.addAll(args);
        return cmd;
    }

    /** Runs a command to completion (bounded), returning its exit code and combined output. */
    Result run(List<String> command, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        Process p = start(command);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill(p);
            throw new TimeoutException(command + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), out.join());
    }

    /** Starts a long-running command and waits until a line of its output matches. */
    Process startAndAwait(List<String> command, Predicate<String> readyLine, List<String> lines, Duration timeout)
            throws IOException, TimeoutException {
        Process p = start(command);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (readyLine.test(line)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("process exited before it was ready: " + lines));
        }, "output-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return p;
    }

    private Process start(List<String> command) throws IOException {
        Path log = Files.createTempFile("hearth-e2e", ".log");
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(root().toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static String read(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable output: " + e.getMessage() + ">";
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Stops every process this instance started (and their children), by PID. */
    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive() || p.descendants().findAny().isPresent()) {
                kill(p);
            }
        }
    }

    record Result(int exitCode, String output) {}
}
