package dev.hearth.cli.quickstart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code bin/hearth SUBCOMMAND ...} run as a child process, so that a composed command (the quickstart) starts
 * training and the server exactly as a user would: Spark through the launcher's own submit (spark-submit or Spark's
 * SparkSubmit class on the jobs' class path), the server with its own JVM options. Spark and Jetty thus never share
 * a JVM. Stopped by its PID: SIGTERM (the server drains), then SIGKILL after a grace period, descendants included.
 */
final class LauncherProcess {
    private final Process process;
    private final String what;

    private LauncherProcess(Process process, String what) {
        this.process = process;
        this.what = what;
    }

    /** Runs {@code launcher args...} with this JVM's stdin/stdout/stderr and returns its exit code. */
    static int run(Path launcher, List<String> args) throws IOException, InterruptedException {
        LauncherProcess p =
                new LauncherProcess(builder(launcher, args).inheritIO().start(), args.get(0));
        try {
            return p.process.waitFor();
        } finally {
            p.stop(Duration.ofSeconds(10));
        }
    }

    /** Starts {@code launcher args...} with stdout to {@code out} and stderr to {@code err}. */
    static LauncherProcess start(Path launcher, List<String> args, Path out, Path err) throws IOException {
        ProcessBuilder b = builder(launcher, args)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        return new LauncherProcess(b.start(), args.get(0));
    }

    private static ProcessBuilder builder(Path launcher, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    /** The child's PID. */
    long pid() {
        return process.pid();
    }

    /** Whether the child still runs. */
    boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code file} (the child's stdout) has a line matching {@code line} and returns the pattern's
     * first group.
     *
     * @throws IllegalStateException the child exited first, or {@code timeout} passed
     */
    String awaitLine(Path file, Pattern line, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher m = line.matcher(l);
                    if (m.matches()) {
                        return m.group(1);
                    }
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited with code " + process.exitValue() + " before printing"
                        + " a line matching " + line.pattern());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        what + " printed no line matching " + line.pattern() + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(250);
        }
    }

    /** SIGTERM to the child and its descendants; SIGKILL to whatever still runs after {@code grace}. */
    void stop(Duration grace) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
