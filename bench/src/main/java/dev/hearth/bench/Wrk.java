package dev.hearth.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code wrk} HTTP load generator (one thread: on a 2-core machine shared with the server, more wrk
 * threads only take CPU from the server) and fails loudly on any error response or socket error.
 */
final class Wrk {
    private final Path script;
    private final Map<String, String> env;

    /**
     * @param script the Lua script that builds the request
     * @param env environment the script reads (body file, token, ...)
     */
    Wrk(Path script, Map<String, String> env) {
        this.script = script;
        this.env = env;
    }

    /** wrk with {@code bench/scripts/infer.lua}: POSTs the request in {@code body} with bearer {@code token}. */
    static Wrk infer(Path root, Path body, String token) {
        return script(root, "infer.lua", body, token);
    }

    /** As {@link #infer}, each connection waiting a random think time before every request (infer-paced.lua). */
    static Wrk pacedInfer(Path root, Path body, String token) {
        return script(root, "infer-paced.lua", body, token);
    }

    private static Wrk script(Path root, String script, Path body, String token) {
        return new Wrk(
                root.resolve("bench/scripts/" + script),
                Map.of("HEARTH_BODY_FILE", body.toString(), "HEARTH_TOKEN", token));
    }

    /** Installs wrk with bin/install-packages when it is not on the PATH; fails with a clear message if that fails. */
    static void ensureInstalled() throws IOException, InterruptedException {
        if (exitCode(List.of("sh", "-c", "command -v wrk")) == 0) {
            return;
        }
        Path installer = Path.of(System.getProperty("hearth.root", "."), "bin", "install-packages");
        System.err.println("wrk is not on the PATH: installing it with " + installer + " bench");
        int rc = exitCode(List.of(installer.toString(), "bench"));
        if (rc != 0 || exitCode(List.of("sh", "-c", "command -v wrk")) != 0) {
            throw new IllegalStateException("the serving benchmark needs wrk (HTTP load generator) and installing it"
                    + " failed (" + installer + " bench exit code " + rc + "); install it (Debian/Ubuntu package 'wrk')"
                    + " and retry");
        }
    }

    private static int exitCode(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor();
    }

    /**
     * Runs wrk against {@code url} with {@code connections} connections for {@code seconds}, with extra
     * environment {@code extraEnv} for the script.
     *
     * @throws IllegalStateException when wrk fails or saw any non-2xx response or socket error
     */
    WrkResult run(String url, int connections, int seconds, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "wrk",
                "-t1",
                "-c" + connections,
                "-d" + seconds + "s",
                "--latency",
                "--timeout",
                "5s",
                "-s",
                script.toString(),
                url));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("wrk did not finish: " + command);
            }
        } finally {
            p.destroyForcibly();
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("wrk exited with " + p.exitValue() + ": " + command + "\n" + out);
        }
        WrkResult r = WrkResult.parse(out);
        if (r.errors() > 0 || r.requests() == 0) {
            throw new IllegalStateException("serving benchmark: wrk saw errors against " + url + " at " + connections
                    + " connections (" + r.errorText() + ", " + r.requests() + " requests); output:\n" + out);
        }
        return r;
    }

    /** Writes {@code text} to a temporary file (deleted on exit) and returns its path. */
    static Path tempFile(String prefix, String suffix, String text) throws IOException {
        Path f = Files.createTempFile(prefix, suffix);
        f.toFile().deleteOnExit();
        Files.writeString(f, text);
        return f;
    }
}
