package dev.hearth.bench;

import dev.hearth.serving.ServingSettings;
import dev.hearth.testing.ChildProcess;
import dev.hearth.testing.HearthBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A model server in its own JVM, launched the way {@code bin/hearth serve} launches it ({@code conf/jvm17.args},
 * ZGC, 2 GB heap), so the serving benchmark measures the server as deployed and not a server sharing the benchmark
 * JVM's heap. Launched and stopped by PID (SIGTERM, then SIGKILL after 20 s) as a {@link ChildProcess}; its
 * standard error goes to the log, its standard output to {@code <log name>.out} next to it.
 */
final class ServerProcess implements AutoCloseable {
    private static final int QUIET_WINDOW_MS = 500;
    private static final int QUIET_TICKS = 2;
    private static final String LISTENING = "listening on ";

    private final ChildProcess process;
    private final String url;

    private ServerProcess(ChildProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /**
     * The settings every benchmark server runs with: loopback, port 0, {@code store}, {@code models} served, bearer
     * tokens from {@code tokens}, access log off; then {@code extra} (key=value).
     */
    static List<String> settings(Path store, String models, Path tokens, String... extra) {
        List<String> settings = new ArrayList<>(List.of(
                ServingSettings.HOST + "=127.0.0.1",
                ServingSettings.PORT + "=0",
                ServingSettings.STORE_ROOT + "=" + store,
                ServingSettings.MODELS + "=" + models,
                ServingSettings.AUTH_ENABLED + "=true",
                ServingSettings.TOKENS_FILE + "=" + tokens,
                ServingSettings.ACCESS_LOG + "=false"));
        settings.addAll(List.of(extra));
        return settings;
    }

    /** Starts {@code dev.hearth.serving.ModelServer} with {@code settings} (key=value) and waits until it listens. */
    static ServerProcess start(Path root, List<String> settings, Path log) {
        List<String> cmd = new ArrayList<>(List.of(
                HearthBuild.java(),
                "@" + root.resolve("conf/jvm17.args"),
                "-XX:+UseZGC",
                "-Xmx2g",
                "-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.hearth.serving.ModelServer"));
        for (String s : settings) {
            cmd.add("--set");
            cmd.add(s);
        }
        String name = log.getFileName().toString().replaceAll("\\.log$", "").replaceAll("[^A-Za-z0-9._-]", "_");
        // bench/run sets OMP_NUM_THREADS=1 for the training benchmarks; bin/hearth serve does not, and the server
        // sets its own thread count (serving.compute.threads), so the benchmark must not inherit it.
        ChildProcess p = ChildProcess.builder(name, cmd)
                .removeEnv("OMP_NUM_THREADS"::equals)
                .files(log.resolveSibling(name + ".out"), log)
                .start();
        try {
            String line = p.awaitLine(l -> l.startsWith(LISTENING), Duration.ofSeconds(120));
            return new ServerProcess(p, line.substring(LISTENING.length()).strip());
        } catch (RuntimeException e) {
            p.kill();
            throw e;
        }
    }

    /**
     * Waits, at most {@code maxMillis}, until the server has used less than {@value #QUIET_TICKS} clock ticks (4% of
     * one core) of CPU over {@value #QUIET_WINDOW_MS} ms. After a load the JVM keeps working for a while (garbage
     * collection, JIT compilation, freeing ND4J's native buffers): measured alternately with a second server on the
     * same two cores, that work cost the other server's next point up to half its throughput.
     *
     * @return milliseconds waited; immediately 0 where {@code /proc} is not available
     */
    long awaitQuiet(long maxMillis) throws InterruptedException {
        long start = System.nanoTime();
        long before = cpuTicks();
        if (before < 0) {
            return 0;
        }
        while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < maxMillis) {
            Thread.sleep(QUIET_WINDOW_MS);
            long now = cpuTicks();
            if (now < 0 || now - before <= QUIET_TICKS) {
                break;
            }
            before = now;
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** User + system CPU time of the process in clock ticks ({@code /proc/<pid>/stat}), -1 when unreadable. */
    private long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // Fields after the command name (which may contain spaces) in parentheses; utime and stime are 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    String url() {
        return url;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(20));
    }
}
