package dev.hearth.bench.abuse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The model server under test: {@code bin/hearth serve} in its own JVM (the launcher's ZGC and 2 GB heap), its
 * standard error in a log file, stopped by its PID (SIGTERM, then SIGKILL after 20 s). Readiness, {@code /metrics}
 * and the log are read the way an operator reads them.
 */
final class ServerUnderTest implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final Process process;
    private final String url;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Kills the server if the suite's JVM exits without closing it (Ctrl-C, a test timeout). */
    private final Thread killOnExit;

    private ServerUnderTest(Process process, String url, Path log, Thread killOnExit) {
        this.process = process;
        this.url = url;
        this.log = log;
        this.killOnExit = killOnExit;
    }

    /** Starts {@code bin/hearth serve args...} and waits for its {@code listening on URL} line. */
    static ServerUnderTest start(HearthLauncher launcher, List<String> args, Path log)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("serve"));
        cmd.addAll(args);
        Process p = launcher.command(cmd).redirectError(log.toFile()).start();
        Thread killOnExit = new Thread(p::destroyForcibly, "abuse-server-kill-" + p.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
        CompletableFuture<String> listening = new CompletableFuture<>();
        // Keeps draining standard output after the line, so the server never blocks on a full pipe.
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            if (line.startsWith("listening on ")) {
                                listening.complete(
                                        line.substring("listening on ".length()).strip());
                            }
                        }
                    } catch (IOException e) {
                        // the server exited; handled below
                    }
                    listening.complete(null);
                },
                "abuse-server-stdout-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            String url = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (url == null) {
                throw new IOException("the server exited before listening (exit " + p.waitFor() + "); see " + log);
            }
            return new ServerUnderTest(p, url, log, killOnExit);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly().waitFor();
            throw new IOException("the server did not listen within " + START_TIMEOUT + "; see " + log, e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    String url() {
        return url;
    }

    /** The server JVM's PID (the launcher execs java). */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Bytes in the log so far: the offset from which {@link #logSince} reads what a load caused. */
    long logSize() {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The log from {@code offset} on (at most the last 64 MiB of it). */
    String logSince(long offset) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(offset, f.length() - (64L << 20));
            byte[] bytes = new byte[(int) Math.max(0, f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls {@code /v2/health/ready} (no token: it is open) until it answers 200, at most {@code timeout}. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && alive()) {
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create(url + "/v2/health/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not answering yet
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** GET {@code path} with a bearer token; null when the server does not answer. */
    HttpResponse<String> get(String path, String token) throws InterruptedException {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url + path))
                            .timeout(Duration.ofSeconds(20))
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    /** The {@code /metrics} text (needs a {@code read:*} token), or null when the server does not answer it. */
    String metrics(String token) throws InterruptedException {
        HttpResponse<String> r = get("/metrics", token);
        return r != null && r.statusCode() == 200 ? r.body() : null;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook kills a process that is gone
        }
    }
}
