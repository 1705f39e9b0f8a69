package dev.hearth.store.it;

import dev.hearth.store.testing.S3TestEndpoint;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * An S3 endpoint that honours conditional writes ({@code If-None-Match: *}): Adobe's S3Mock 4.11.0 (a Spring Boot
 * S3 server) in a child JVM, plain HTTP on a loopback port, objects under a temporary directory, one bucket. Its
 * jars come from {@code s3mock-server/target/classpath.txt} and never join the test class path. S3Mock does not
 * check signatures; the S3A settings are the same loopback-only ones as {@link S3TestEndpoint}'s. The child is
 * killed by PID on {@link #close()}. Public for spark-jobs' YARN test (this module's test jar), where S3Proxy's
 * Jetty and Guava cannot join the class path.
 */
public final class S3MockEndpoint implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;
    private final String secret = "hearth-test-secret-" + UUID.randomUUID();

    private S3MockEndpoint(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts S3Mock with an empty bucket {@value S3TestEndpoint#BUCKET} and waits until it answers. */
    static S3MockEndpoint start(Path dir) throws Exception {
        String file = System.getProperty("hearth.s3mock.classpath.file");
        return start(dir, file == null ? null : Path.of(file));
    }

    /** Starts S3Mock with its jars listed in {@code classpathFile} (s3mock-server/target/classpath.txt). */
    public static S3MockEndpoint start(Path dir, Path classpathFile) throws Exception {
        String file = classpathFile == null ? null : classpathFile.toString();
        if (file == null || !Files.exists(Path.of(file))) {
            throw new IllegalStateException("S3Mock's class path file " + file + " is missing (build the "
                    + "s3mock-server module: mvn -pl model-store -am ...)");
        }
        String cp = Files.readString(Path.of(file)).trim();
        int port = freePort();
        Path root = Files.createDirectories(dir.resolve("s3mock-root"));
        Path log = dir.resolve("s3mock.log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                // S3Mock's own Logback and SLF4J versions disagree; the JDK logger is enough for a test server.
                "-Dorg.springframework.boot.logging.LoggingSystem=none",
                "-cp",
                cp,
                "com.adobe.testing.s3mock.S3MockApplication",
                "--server.ssl.enabled=false",
                "--server.address=127.0.0.1",
                "--server.port=" + port,
                // S3Mock always adds a second plain-HTTP connector; 0 leaves it on an unused ephemeral port.
                "--com.adobe.testing.s3mock.http-port=0",
                "--com.adobe.testing.s3mock.store.root=" + root,
                "--com.adobe.testing.s3mock.store.initial-buckets=" + S3TestEndpoint.BUCKET));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        S3MockEndpoint endpoint = new S3MockEndpoint(p, port, log);
        try {
            endpoint.awaitReady();
        } catch (Exception e) {
            endpoint.close();
            throw e;
        }
        return endpoint;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String secret() {
        return secret;
    }

    public long pid() {
        return process.pid();
    }

    public Map<String, String> s3aSettings() {
        return S3TestEndpoint.s3aSettings(endpoint(), secret);
    }

    public Configuration hadoopConf() {
        Configuration conf = new Configuration();
        s3aSettings().forEach(conf::set);
        S3TestEndpoint.requireLoopback(conf);
        return conf;
    }

    Path writeCoreSite(Path dir, Map<String, String> extra) throws IOException {
        return S3TestEndpoint.writeCoreSite(dir, s3aSettings(), extra);
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        URI bucket = URI.create(endpoint() + "/" + S3TestEndpoint.BUCKET);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "S3Mock exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) bucket.toURL().openConnection();
                c.setRequestMethod("HEAD");
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Mock did not answer on " + endpoint() + " within " + START_TIMEOUT
                        + ": " + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
