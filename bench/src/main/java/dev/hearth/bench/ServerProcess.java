package dev.hearth.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A model server in its own JVM, launched the way {@code bin/hearth serve} launches it ({@code conf/jvm17.args},
 * ZGC, 2 GB heap), so the serving benchmark measures the server as deployed and not a server sharing the benchmark
 * JVM's heap. Stopped by its PID (SIGTERM, then SIGKILL after 20 s).
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final String url;

    private ServerProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts {@code dev.hearth.serving.ModelServer} with {@code settings} (key=value) and waits until it listens. */
    static ServerProcess start(Path root, List<String> settings, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + root.resolve("conf/jvm17.args"), "-XX:+UseZGC", "-Xmx2g",
                "-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"),
                "-cp", System.getProperty("java.class.path"), "dev.hearth.serving.ModelServer"));
        for (String s : settings) {
            cmd.add("--set");
            cmd.add(s);
        }
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(log.toFile());
        // bench/run sets OMP_NUM_THREADS=1 for the training benchmarks; bin/hearth serve does not, and the server
        // sets its own thread count (serving.compute.threads), so the benchmark must not inherit it.
        builder.environment().remove("OMP_NUM_THREADS");
        Process p = builder.start();
        CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                String found = null;
                while ((line = r.readLine()) != null) {
                    if (found == null && line.startsWith("listening on ")) {
                        found = line.substring("listening on ".length()).strip();
                        return found;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String url = listening.get(120, TimeUnit.SECONDS);
            if (url == null) {
                throw new IOException("server process exited before listening (exit " + p.waitFor() + "); see " + log);
            }
            return new ServerProcess(p, url);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly().waitFor();
            throw new IOException("server process did not start within 120 s; see " + log, e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    String url() {
        return url;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
