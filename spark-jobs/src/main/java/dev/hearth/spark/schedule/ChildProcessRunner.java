package dev.hearth.spark.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one scheduled child process to completion or to its timeout. A child past its timeout is stopped together
 * with every process it started: SIGTERM to the child and each descendant (found with
 * {@link ProcessHandle#descendants()} before anything is signalled, since orphans are re-parented and would no
 * longer be found), then, after the grace period, SIGKILL to whatever of that tree (and anything it spawned since)
 * is still alive. Processes are addressed by their handles, which carry the start time, so a recycled PID is never
 * signalled. A descendant that has exited but not been reaped yet (a zombie: its parent is gone and init reaps it
 * when it gets to it, or never when the scheduler itself is PID 1 of a container) counts as exited.
 */
final class ChildProcessRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcessRunner.class);

    /**
     * How a run ended.
     *
     * @param exitCode the child's own exit status (128 + signal when a signal ended it, e.g. 143 SIGTERM, 137 SIGKILL)
     * @param pid the child's PID
     * @param timedOut whether the timeout stopped it
     * @param forced whether any process of its tree needed SIGKILL after the grace period
     * @param processesSignalled how many processes (the child and its descendants) were signalled
     */
    record Outcome(int exitCode, long pid, boolean timedOut, boolean forced, int processesSignalled) {}

    private final Duration grace;

    /** @param grace time between SIGTERM and SIGKILL for a timed-out run */
    ChildProcessRunner(Duration grace) {
        this.grace = grace;
    }

    /** Starts {@code argv} (inheriting this process's stdout/stderr) and waits for it at most {@code timeout}. */
    Outcome run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).inheritIO().start();
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Outcome(p.exitValue(), p.pid(), false, false, 0);
            }
            return stop(p);
        } catch (InterruptedException e) {
            // The scheduler is going away without waiting: do not leave the run behind.
            stop(p);
            throw e;
        }
    }

    private Outcome stop(Process p) throws InterruptedException {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(p.toHandle());
        p.toHandle().descendants().forEach(tree::add);
        LOG.warn(
                "pid {}: stopping it and {} descendant(s) {} with SIGTERM",
                p.pid(),
                tree.size() - 1,
                tree.stream().skip(1).map(ProcessHandle::pid).toList());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (tree.stream().anyMatch(ChildProcessRunner::running) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        boolean forced = false;
        // Descendants still alive may have started more processes meanwhile.
        for (ProcessHandle h : List.copyOf(tree)) {
            if (running(h)) {
                h.descendants().forEach(tree::add);
            }
        }
        for (ProcessHandle h : tree) {
            if (running(h)) {
                LOG.warn("pid {}: still alive {} ms after SIGTERM; sending SIGKILL", h.pid(), grace.toMillis());
                h.destroyForcibly();
                forced = true;
            }
        }
        int code = p.waitFor();
        // SIGKILL cannot be ignored; bounded anyway so a process stuck in the kernel cannot hang the scheduler.
        long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tree.stream().anyMatch(ChildProcessRunner::running) && System.nanoTime() < killDeadline) {
            Thread.sleep(50);
        }
        tree.stream()
                .filter(ChildProcessRunner::running)
                .forEach(h -> LOG.error("pid {}: still running 10 s after SIGKILL", h.pid()));
        return new Outcome(code, p.pid(), true, forced, tree.size());
    }

    /** Alive and not a zombie (Linux {@code /proc/<pid>/stat} state {@code Z}); elsewhere just alive. */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return h.isAlive();
        }
    }
}
