package dev.hearth.bench.abuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/hearth} commands as a user runs them, so the suite measures the packaged artifacts with the
 * launcher's JVM flags (and whatever a later change adds to them). The launcher {@code exec}s java, so the PID of
 * the started process is the JVM's own and {@code kill -9} hits the JVM.
 */
final class HearthLauncher {
    /** Environment that would change what {@code bin/hearth} starts; removed so the defaults apply. */
    private static final List<String> CLEARED =
            List.of("OMP_NUM_THREADS", "HEARTH_SERVER_MEMORY", "HEARTH_SERVER_GC", "HEARTH_CONF_DIR");

    private final Path root;

    /** @param root the Hearth checkout holding {@code bin/hearth} and the built jars */
    HearthLauncher(Path root) {
        this.root = root;
    }

    /**
     * Fails unless the jars {@code bin/hearth} would otherwise build first are there: a launcher that starts a
     * Maven build inside a measurement would measure the build.
     */
    void requireBuilt() {
        for (String jar : List.of(
                "serving/target/hearth-serving.jar",
                "spark-jobs/target/hearth-spark-jobs.jar",
                "spark-jobs/target/classpath.txt")) {
            if (!Files.isRegularFile(root.resolve(jar))) {
                throw new IllegalStateException("the abuse suite runs the packaged jars but " + root.resolve(jar)
                        + " does not exist; build first (mvn -DskipTests package, or bench/run which builds)");
            }
        }
    }

    /** A process builder for {@code bin/hearth args...} in the checkout, with the launcher's defaults. */
    ProcessBuilder command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("bin/hearth").toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        Map<String, String> env = pb.environment();
        CLEARED.forEach(env::remove);
        return pb;
    }

    /**
     * Runs {@code bin/hearth args...} to completion and returns its standard output.
     *
     * @throws IOException when it exits non-zero (with its standard error) or takes longer than {@code timeout}
     */
    String run(List<String> args, Duration timeout) throws IOException, InterruptedException {
        Process p = command(args).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException("bin/hearth " + String.join(" ", args) + " did not finish within " + timeout);
        }
        if (p.exitValue() != 0) {
            throw new IOException("bin/hearth " + String.join(" ", args) + " exited " + p.exitValue() + ": "
                    + err.join().strip());
        }
        return out.join();
    }

    /** Creates a token with {@code scopes} in {@code file} ({@code bin/hearth tokens create}) and returns it. */
    String createToken(Path file, List<String> scopes) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("tokens", "create", "--file", file.toString()));
        for (String s : scopes) {
            args.add("--scope");
            args.add(s);
        }
        String out = run(args, Duration.ofMinutes(2)).strip();
        String token = out.lines().reduce((a, b) -> b).orElse("");
        if (!token.startsWith("hearth_")) {
            throw new IOException("bin/hearth tokens create printed no token: '" + out + "'");
        }
        return token;
    }

    private static String drain(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e.getMessage() + ">";
        }
    }
}
