package dev.hearth.spark.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM a test fixture started: its PID (recorded at start, the only handle it is ever stopped by) and one log
 * file with its stdout and stderr.
 */
final class DaemonProcess {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonProcess.class);

    private final String name;
    private final ProcessHandle handle;
    private final Path log;

    private DaemonProcess(String name, ProcessHandle handle, Path log) {
        this.name = name;
        this.handle = handle;
        this.log = log;
    }

    /**
     * Starts {@code command} with {@code env} added to a copy of this JVM's environment from which every
     * {@code SPARK_*} and {@code HADOOP_CONF_DIR} variable was removed.
     */
    static DaemonProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_") || k.equals("HADOOP_CONF_DIR"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            LOG.info("Started {} as pid {} (log {})", name, p.pid(), log);
            return new DaemonProcess(name, p.toHandle(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return handle.pid();
    }

    boolean isAlive() {
        return handle.isAlive();
    }

    /** Live descendants (e.g. the executor JVMs a Worker launched). */
    List<ProcessHandle> descendants() {
        return handle.descendants().filter(ProcessHandle::isAlive).toList();
    }

    /** Sends SIGTERM, waits up to {@code grace}, then SIGKILL. */
    void stop(Duration grace) {
        if (!handle.isAlive()) {
            LOG.info("{} (pid {}) had already exited", name, pid());
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Stopped {} (pid {})", name, pid());
        } catch (TimeoutException e) {
            LOG.warn("{} (pid {}) ignored SIGTERM for {} s: killing it", name, pid(), grace.toSeconds());
            handle.destroyForcibly();
            handle.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.destroyForcibly();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last {@code lines} lines of the log. */
    String tail(int lines) {
        return tailOf(log, lines);
    }

    static String tailOf(Path file, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
