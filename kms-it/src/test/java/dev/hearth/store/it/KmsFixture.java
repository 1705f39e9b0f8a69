package dev.hearth.store.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts, stops (by PID) and restarts a {@link KmsProcess} on one loopback port with its keystore in one directory;
 * {@link #retire} removes a key version from the KMS's keystore while it is stopped, as an operator would.
 */
public final class KmsFixture implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    public KmsFixture(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
    }

    /** The provider URI for {@code store.encryption.key.provider}. */
    public String uri() {
        return "kms://http@localhost:" + port + "/kms";
    }

    public void start() throws Exception {
        String kmsJars = System.getProperty("hearth.kms.classpath");
        if (kmsJars == null) {
            throw new IllegalStateException(
                    "system property hearth.kms.classpath is not set (see model-store/pom.xml)");
        }
        // Hadoop's unshaded jars first; the shaded client's copies of the same classes must not shadow them.
        String rest = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("hadoop-client-"))
                .collect(Collectors.joining(java.io.File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        String root = System.getProperty("hearth.root");
        if (root != null && Files.exists(Path.of(root, "conf/jvm17.args"))) {
            cmd.add("@" + Path.of(root, "conf/jvm17.args"));
        }
        cmd.addAll(List.of(
                "-cp",
                kmsJars + java.io.File.pathSeparator + rest,
                KmsProcess.class.getName(),
                dir.toString(),
                Integer.toString(port)));
        Path out = dir.resolve("kms.out");
        Files.deleteIfExists(out);
        process = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("kms.err").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!Files.exists(out) || Files.readAllLines(out).stream().noneMatch(l -> l.startsWith("KMS "))) {
            boolean alive = process.isAlive();
            if (!alive || System.nanoTime() > deadline) {
                stop();
                List<String> err = Files.readAllLines(dir.resolve("kms.err"));
                throw new IllegalStateException("KMS did not start within 90 s (alive: " + alive + "); last lines of "
                        + dir.resolve("kms.err") + ":\n"
                        + String.join("\n", err.subList(Math.max(0, err.size() - 30), err.size())));
            }
            Thread.sleep(50);
        }
    }

    /** Kills the KMS JVM by its PID and waits for it. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
            process = null;
        }
    }

    /** Removes one key version from the stopped KMS's keystore (nothing wrapped by it can be unwrapped again). */
    public void retire(String versionName) throws Exception {
        if (process != null) {
            throw new IllegalStateException("stop the KMS before editing its keystore");
        }
        Path file = dir.resolve("kms.keystore");
        KeyStore ks = KeyStore.getInstance("jceks");
        char[] password = "none".toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        ks.deleteEntry(versionName);
        try (OutputStream o = Files.newOutputStream(file)) {
            ks.store(o, password);
        }
        Files.deleteIfExists(dir.resolve(".kms.keystore.crc"));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
