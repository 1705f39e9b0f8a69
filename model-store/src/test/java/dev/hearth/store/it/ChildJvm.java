package dev.hearth.store.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link PublishProcess} in a small separate JVM with the test class path; output goes to a file. */
final class ChildJvm {
    private final Process process;
    private final Path output;

    private ChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static ChildJvm publish(Path logDir, String id, String root, String name, int count, long bytes, long seed)
            throws IOException {
        return publish(logDir, id, root, name, count, bytes, seed, null);
    }

    /** As above, with {@code HADOOP_CONF_DIR} set to {@code hadoopConfDir} (its core-site.xml) when not null. */
    static ChildJvm publish(Path logDir, String id, String root, String name, int count, long bytes, long seed,
            Path hadoopConfDir) throws IOException {
        String cp = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        String root17 = System.getProperty("hearth.root");
        if (root17 != null && Files.exists(Path.of(root17, "conf/jvm17.args"))) {
            cmd.add("@" + Path.of(root17, "conf/jvm17.args"));
        }
        cmd.addAll(List.of("-cp", cp, PublishProcess.class.getName(), root, name, Integer.toString(count),
                Long.toString(bytes), Long.toString(seed)));
        Path out = logDir.resolve(id + ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (hadoopConfDir != null) {
            pb.environment().put("HADOOP_CONF_DIR", hadoopConfDir.toString());
        }
        Process p = pb
                .redirectOutput(out.toFile())
                .redirectError(logDir.resolve(id + ".err").toFile())
                .start();
        return new ChildJvm(p, out);
    }

    long pid() {
        return process.pid();
    }

    /** Standard error so far. */
    String errors() throws IOException {
        Path err = output.resolveSibling(output.getFileName().toString().replace(".out", ".err"));
        return Files.exists(err) ? Files.readString(err) : "";
    }

    /** Output lines so far. */
    List<String> lines() throws IOException {
        return Files.exists(output) ? Files.readAllLines(output) : List.of();
    }

    /** Waits until a line equal to {@code line} appears, or fails after {@code timeout}. */
    void awaitLine(String line, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!lines().contains(line)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("child " + pid() + " did not print '" + line + "'; alive="
                        + process.isAlive() + ", output=" + lines());
            }
            Thread.sleep(20);
        }
    }

    /** SIGKILL (on Linux {@link Process#destroyForcibly()} sends SIGKILL) and wait for the process to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            kill();
            throw new IllegalStateException("child " + pid() + " did not finish within " + timeout);
        }
        return process.exitValue();
    }
}
