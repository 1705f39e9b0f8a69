package dev.hearth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process a test (or a benchmark) started: its PID, recorded at start and the only handle it is ever stopped
 * by, and its standard output and error captured to files (never to pipes, which fill and block a chatty child).
 * {@link #stop} ends it and every descendant it started (e.g. the executor JVMs of a Spark Worker).
 */
public final class ChildProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 20;

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;

    private ChildProcess(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** A builder for a process called {@code name} (in log lines and file names) running {@code command}. */
    public static Builder builder(String name, List<String> command) {
        return new Builder(name, command);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Live descendants (children, grandchildren, ...), e.g. the executors a Spark Worker launched. */
    public List<ProcessHandle> descendants() {
        return process.descendants().filter(ProcessHandle::isAlive).toList();
    }

    /** The file standard output goes to (with standard error too when the builder merged them). */
    public Path outputFile() {
        return out;
    }

    /** Standard output so far. */
    public String output() {
        return read(out);
    }

    /** Standard output lines so far. */
    public List<String> lines() {
        return output().lines().toList();
    }

    /** The first output line so far that matches {@code filter}. */
    public Optional<String> firstLine(Predicate<String> filter) {
        return lines().stream().filter(filter).findFirst();
    }

    /** Standard error so far; empty when it was merged into the output. */
    public String errors() {
        return err.equals(out) ? "" : read(err);
    }

    /** The last {@code n} lines of the output (and of standard error when kept apart), for failure messages. */
    public String tail(int n) {
        String tail = tailOf(out, n);
        return err.equals(out) ? tail : tail + "\n--- stderr ---\n" + tailOf(err, n);
    }

    /**
     * Waits until an output line matches {@code ready} and returns that line.
     *
     * @throws IllegalStateException when the process exits first or {@code timeout} passes (with the output's tail)
     */
    public String awaitLine(Predicate<String> ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean alive = process.isAlive();
            Optional<String> line = firstLine(ready);
            if (line.isPresent()) {
                return line.get();
            }
            if (!alive || System.nanoTime() > deadline) {
                throw new IllegalStateException(this
                        + (alive
                                ? " printed no awaited line within " + timeout
                                : " exited (" + process.exitValue() + ") before printing the awaited line")
                        + "\n" + tail(40));
            }
            sleep(POLL_MILLIS);
        }
    }

    /** Waits until something accepts TCP connections on {@code host:port} while this process is alive. */
    public void awaitPort(String host, int port, Duration timeout) {
        Poll.until(
                host + ":" + port + " to accept connections from " + this,
                timeout,
                Duration.ofMillis(50),
                () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(this + " exited before listening on " + port + "\n" + tail(40));
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(host, port), 500);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                },
                () -> tail(40));
    }

    /**
     * Waits for the process to end and returns its exit code; on {@code timeout} it is killed (with its
     * descendants) and a {@link TimeoutException} thrown.
     */
    public int waitFor(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new TimeoutException(this + " did not finish within " + timeout + "\n" + tail(40));
        }
        return process.exitValue();
    }

    /**
     * SIGTERM to the process, up to {@code grace} for it to exit, then SIGKILL; descendants still alive after it
     * (recorded before the signal: an orphan is re-parented and cannot be found from here afterwards) get SIGKILL.
     */
    public void stop(Duration grace) {
        List<ProcessHandle> family = descendants();
        if (process.isAlive()) {
            process.destroy();
            try {
                process.toHandle().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Stopped {}", this);
            } catch (TimeoutException e) {
                LOG.warn("{} ignored SIGTERM for {} s: killing it", this, grace.toSeconds());
                process.destroyForcibly();
                process.toHandle().onExit().join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        killAll(family);
    }

    /** SIGKILL to the process and its descendants at once; waits until they are gone. */
    public void kill() {
        List<ProcessHandle> family = new ArrayList<>(descendants());
        family.add(process.toHandle());
        killAll(family);
    }

    private static void killAll(List<ProcessHandle> handles) {
        for (ProcessHandle h : handles) {
            if (h.isAlive()) {
                LOG.info("Killing pid {}", h.pid());
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : handles) {
            h.onExit().join();
        }
    }

    /** {@link #stop} with a 20 s grace period. */
    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }

    /** The last {@code lines} lines of a text file, or a note saying why it cannot be read. */
    public static String tailOf(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }

    /** Command, environment, working directory and log files of a {@link ChildProcess} to start. */
    public static final class Builder {
        private final String name;
        private final List<String> command;
        private final Map<String, String> env = new LinkedHashMap<>();
        private Predicate<String> removeEnv = k -> false;
        private Path directory;
        private Path logDir;
        private Path out;
        private Path err;
        private boolean mergeErrors;

        private Builder(String name, List<String> command) {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(
                        "process name '" + name + "' must be letters, digits, . _ -" + " (it names the log files)");
            }
            this.name = name;
            this.command = List.copyOf(command);
        }

        /** Adds (or replaces) one environment variable. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Adds (or replaces) environment variables. */
        public Builder env(Map<String, String> values) {
            env.putAll(values);
            return this;
        }

        /** Removes the inherited variables whose name matches (before {@link #env} entries are added). */
        public Builder removeEnv(Predicate<String> names) {
            removeEnv = removeEnv.or(names);
            return this;
        }

        /** Working directory (default: this JVM's). */
        public Builder directory(Path dir) {
            directory = dir;
            return this;
        }

        /** Writes {@code <name>.out} and {@code <name>.err} into {@code dir} (default: a new temporary directory). */
        public Builder logs(Path dir) {
            logDir = dir;
            return this;
        }

        /** Writes standard output and error, interleaved, to exactly this file. */
        public Builder mergedLog(Path file) {
            out = file;
            mergeErrors = true;
            return this;
        }

        /** Writes standard output to {@code stdout} and standard error to {@code stderr}. */
        public Builder files(Path stdout, Path stderr) {
            out = stdout;
            err = stderr;
            mergeErrors = false;
            return this;
        }

        /** Sends standard error into the output file (one interleaved log). */
        public Builder mergeErrors() {
            mergeErrors = true;
            return this;
        }

        /** Starts the process. */
        public ChildProcess start() {
            try {
                Path dir = logDir != null
                        ? logDir
                        : out != null ? out.toAbsolutePath().getParent() : Files.createTempDirectory("hearth-" + name);
                Files.createDirectories(dir);
                Path stdout = out != null ? out : dir.resolve(name + ".out");
                Path stderr = mergeErrors ? stdout : err != null ? err : dir.resolve(name + ".err");
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(stdout.toFile());
                if (mergeErrors) {
                    pb.redirectErrorStream(true);
                } else {
                    pb.redirectError(stderr.toFile());
                }
                if (directory != null) {
                    pb.directory(directory.toFile());
                }
                pb.environment().keySet().removeIf(removeEnv);
                pb.environment().putAll(env);
                Process p = pb.start();
                ChildProcess child = new ChildProcess(name, p, stdout, stderr);
                LOG.info("Started {} (log {})", child, stdout);
                return child;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + command, e);
            }
        }
    }
}
