package dev.hearth.store.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 endpoint for tests: S3Proxy on a loopback port with jclouds' in-memory ("transient") backend,
 * one bucket, SigV4 authentication with static test credentials (the secret is random per run, so a test can look
 * for it in logs and files). {@link #hadoopConf()} gives S3A settings that reach only this endpoint: explicit
 * endpoint, path-style access, {@code SimpleAWSCredentialsProvider}, explicit region.
 */
public final class S3TestEndpoint implements AutoCloseable {
    public static final String BUCKET = "hearth";
    public static final String ACCESS_KEY = "hearth-test-access";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String secret = "hearth-test-secret-" + UUID.randomUUID();

    private S3TestEndpoint() throws Exception {
        // The in-memory backend: jclouds' file-system backend maps S3A's directory markers ("dir/") to real
        // directories and loops forever when S3A deletes a marker whose directory holds objects.
        context = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        BlobStore blobs = context.getBlobStore();
        blobs.createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, secret)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    /** Starts S3Proxy on a free loopback port with an empty bucket {@value #BUCKET}. */
    public static S3TestEndpoint start() throws Exception {
        return new S3TestEndpoint();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** The secret key, to check it never appears in logs, metadata or provenance. */
    public String secret() {
        return secret;
    }

    /** {@code s3a://hearth/<path>}. */
    public String uri(String path) {
        return "s3a://" + BUCKET + "/" + path;
    }

    /** The S3A settings of this endpoint, in order. */
    public Map<String, String> s3aSettings() {
        return s3aSettings(endpoint(), secret);
    }

    /** The S3A settings this class uses, for another loopback endpoint (S3MockEndpoint). */
    public static Map<String, String> s3aSettings(String endpoint, String secret) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fs.s3a.endpoint", endpoint);
        m.put("fs.s3a.endpoint.region", "us-east-1");
        m.put("fs.s3a.path.style.access", "true");
        m.put("fs.s3a.connection.ssl.enabled", "false");
        m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        m.put("fs.s3a.access.key", ACCESS_KEY);
        m.put("fs.s3a.secret.key", secret);
        // Hadoop caches file systems per bucket: a cached S3A would keep talking to an earlier test's endpoint.
        m.put("fs.s3a.impl.disable.cache", "true");
        // Fail fast instead of retrying for minutes when something is wrong.
        m.put("fs.s3a.attempts.maximum", "2");
        m.put("fs.s3a.retry.limit", "2");
        m.put("fs.s3a.connection.establish.timeout", "5000");
        m.put("fs.s3a.connection.timeout", "20000");
        return m;
    }

    /** A Hadoop configuration with {@link #s3aSettings()} (checked by {@link #requireLoopback}). */
    public Configuration hadoopConf() {
        Configuration conf = new Configuration();
        s3aSettings().forEach(conf::set);
        requireLoopback(conf);
        return conf;
    }

    /** Writes {@code core-site.xml} with {@link #s3aSettings()} and {@code extra} into {@code dir}. */
    public Path writeCoreSite(Path dir, Map<String, String> extra) throws IOException {
        return writeCoreSite(dir, s3aSettings(), extra);
    }

    /** Writes {@code core-site.xml} with {@code settings} and {@code extra} into {@code dir}. */
    public static Path writeCoreSite(Path dir, Map<String, String> settings, Map<String, String> extra)
            throws IOException {
        Files.createDirectories(dir);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(extra);
        all.forEach((k, v) -> xml.append("  <property><name>")
                .append(k)
                .append("</name><value>")
                .append(v)
                .append("</value></property>\n"));
        xml.append("</configuration>\n");
        Path file = dir.resolve("core-site.xml");
        Files.writeString(file, xml);
        return file;
    }

    /**
     * Fails unless S3A in {@code conf} names an explicit loopback endpoint and region, so no test can reach an
     * AWS endpoint or the instance-metadata address.
     */
    public static void requireLoopback(Configuration conf) {
        String endpoint = conf.getTrimmed("fs.s3a.endpoint");
        if (endpoint == null || endpoint.isEmpty()) {
            throw new IllegalStateException("S3A is configured without an explicit fs.s3a.endpoint: a test must "
                    + "never fall back to the AWS endpoint");
        }
        String host = URI.create(endpoint).getHost();
        try {
            if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalStateException("fs.s3a.endpoint " + endpoint + " is not a loopback address");
            }
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("fs.s3a.endpoint " + endpoint + " does not resolve", e);
        }
        if (conf.getTrimmed("fs.s3a.endpoint.region", "").isEmpty()) {
            throw new IllegalStateException("S3A is configured without an explicit fs.s3a.endpoint.region");
        }
        if (!conf.getBoolean("fs.s3a.path.style.access", false)) {
            throw new IllegalStateException("S3A test configuration must use path-style access");
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
