package dev.hearth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The processes one test starts (the project's jars, scripts, Python): each a {@link ChildProcess} with its output
 * and errors interleaved in one log file under a directory of this instance, run from the project root with
 * {@code SPARK_LOCAL_IP=127.0.0.1} and one BLAS thread. {@link #close()} stops every one of them, and their
 * descendants, by PID.
 */
public final class Processes implements AutoCloseable {
    private final List<ChildProcess> started = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final Path logDir;
    private int count;

    /** Logs go to a new temporary directory. */
    public Processes() {
        try {
            this.logDir = Files.createTempDirectory("hearth-processes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets an environment variable for every process started from now on (e.g. HADOOP_CONF_DIR). */
    public Processes withEnv(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Runs a command to completion (bounded), returning its exit code and combined output. */
    public Result run(List<String> command, Duration timeout) throws InterruptedException, TimeoutException {
        ChildProcess p = start(command);
        int exit = p.waitFor(timeout);
        return new Result(exit, p.output());
    }

    /** Starts a long-running command and waits until a line of its output matches {@code readyLine}. */
    public ChildProcess startAndAwait(List<String> command, Predicate<String> readyLine, Duration timeout) {
        ChildProcess p = start(command);
        p.awaitLine(readyLine, timeout);
        return p;
    }

    /** Starts a command and returns at once. */
    public ChildProcess start(List<String> command) {
        String program = Path.of(command.get(0)).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        ChildProcess p = ChildProcess.builder(++count + "-" + program, command)
                .directory(HearthBuild.root())
                .env("SPARK_LOCAL_IP", "127.0.0.1")
                .env("OMP_NUM_THREADS", "1")
                .env(env)
                .logs(logDir)
                .mergeErrors()
                .start();
        started.add(p);
        return p;
    }

    /** Stops every process this instance started (and their children), by PID. */
    @Override
    public void close() {
        for (ChildProcess p : started) {
            p.stop(Duration.ofSeconds(20));
        }
    }

    /** Exit code and combined output of a finished process. */
    public record Result(int exitCode, String output) {}
}
