package dev.hearth.serving;

import dev.hearth.config.Rule;
import dev.hearth.config.Setting;
import dev.hearth.config.SettingsLoader;
import dev.hearth.store.crypto.EncryptionSettings;
import java.util.List;

/** Every setting of the model server with its default; {@code conf/serving.properties} documents the same. */
public final class ServingSettings {
    public static final String HOST = "server.host";
    public static final String PORT = "server.port";
    public static final String MAX_BODY_BYTES = "server.max.body.bytes";
    public static final String MAX_ROWS = "server.max.rows";
    public static final String REQUEST_TIMEOUT_MS = "server.request.timeout.ms";
    public static final String SHUTDOWN_TIMEOUT_MS = "server.shutdown.timeout.ms";
    public static final String MANAGEMENT_ENABLED = "server.management.enabled";
    public static final String ACCESS_LOG = "server.access.log";
    public static final String MAX_INFLIGHT_BYTES = "server.max.inflight.bytes";
    public static final String IDLE_TIMEOUT_MS = "server.idle.timeout.ms";
    public static final String HEADER_TIMEOUT_MS = "server.header.timeout.ms";
    public static final String MIN_REQUEST_DATA_RATE = "server.min.request.data.rate";
    public static final String MAX_CONNECTIONS = "server.max.connections";
    public static final String THREADS_MAX = "server.threads.max";
    public static final String THREADS_QUEUE = "server.threads.queue";
    public static final String DRAIN_MS = "server.drain.ms";
    public static final String REPLICA_ID = "server.replica.id";
    public static final String STORE_ROOT = "store.root";
    public static final String MODELS = "serving.models";
    public static final String POLL_INTERVAL_MS = "serving.poll.interval.ms";
    public static final String LEASE_TTL_MS = "serving.lease.ttl.ms";
    public static final String LEASE_RENEW_MS = "serving.lease.renew.ms";
    public static final String VERSION_CACHE_SIZE = "serving.version.cache.size";
    public static final String OFFHEAP_BUDGET = "serving.offheap.budget.bytes";
    public static final String COMPUTE_THREADS = "serving.compute.threads";
    public static final String DENSE_FAST_PATH = "serving.dense.fast.path";
    public static final String VERSIONS_ON_DEMAND = "serving.versions.on.demand";
    public static final String ROLLOUT = "serving.rollout";
    public static final String ROLLOUT_FILE = "serving.rollout.file";
    public static final String SHADOW_THREADS = "serving.shadow.threads";
    public static final String SHADOW_QUEUE = "serving.shadow.queue";
    public static final String SHADOW_PERSIST_MS = "serving.shadow.persist.ms";
    public static final String BATCHING_ENABLED = "batching.enabled";
    public static final String BATCH_MAX_SIZE = "batching.max.batch.size";
    public static final String BATCH_MAX_DELAY_US = "batching.max.delay.us";
    public static final String BATCH_PER_MODEL = "batching.per.model";
    public static final String BATCH_MAX_QUEUE_ROWS = "batching.max.queue.rows";
    public static final String AUTH_ENABLED = "auth.enabled";
    public static final String TOKENS_FILE = "auth.tokens.file";
    public static final String TOKENS_RELOAD_MS = "auth.tokens.reload.ms";
    public static final String TLS_ENABLED = "tls.enabled";
    public static final String TLS_KEYSTORE = "tls.keystore";
    public static final String TLS_KEYSTORE_PASSWORD = "tls.keystore.password";
    public static final String TLS_CERT = "tls.cert";
    public static final String TLS_KEY = "tls.key";
    public static final String TLS_PROTOCOLS = "tls.protocols";
    public static final String TLS_CIPHERS = "tls.ciphers";
    public static final String CONSOLE_ENABLED = "console.enabled";
    public static final String CONSOLE_SESSION_TTL_MS = "console.session.ttl.ms";
    public static final String CONSOLE_SESSIONS_MAX = "console.sessions.max";
    public static final String CONSOLE_SAMPLE_MS = "console.metrics.sample.ms";
    public static final String CONSOLE_MODELS_REFRESH_MS = "console.models.refresh.ms";

    /** TLS 1.3 suites, then TLS 1.2 suites with forward secrecy (ECDHE) and AEAD encryption (GCM, ChaCha20). */
    private static final String DEFAULT_CIPHERS = "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,"
            + "TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"
            + "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,"
            + "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
            + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";

    /** The declared settings, in the order {@code conf/serving.properties} lists them. */
    public static final List<Setting> ALL = List.of(
            new Setting(HOST, "127.0.0.1", "interface to listen on (0.0.0.0 for all)"),
            new Setting(PORT, "8080", "TCP port to listen on (0 picks a free port)", Rule.atLeast(0)),
            new Setting(MAX_BODY_BYTES, "16777216", "largest accepted request body in bytes", Rule.integer()),
            new Setting(MAX_ROWS, "10000", "most rows in one inference request", Rule.atLeast(1)),
            new Setting(
                    REQUEST_TIMEOUT_MS, "30000", "longest an inference may wait for its forward pass", Rule.integer()),
            new Setting(SHUTDOWN_TIMEOUT_MS, "30000", "how long shutdown waits for in-flight requests", Rule.integer()),
            new Setting(MANAGEMENT_ENABLED, "false", "enable the management endpoints (load, unload)", Rule.flag()),
            new Setting(ACCESS_LOG, "true", "one JSON access-log line per request", Rule.flag()),
            new Setting(
                    MAX_INFLIGHT_BYTES,
                    "268435456",
                    "most bytes all requests in flight may hold together; past it 503 with Retry-After",
                    Rule.integer()),
            new Setting(
                    IDLE_TIMEOUT_MS,
                    "30000",
                    "close a connection idle this long, also a stalled body read or response write",
                    Rule.integer()),
            new Setting(
                    HEADER_TIMEOUT_MS,
                    "10000",
                    "longest a request head may take to arrive (first request: from connecting, TLS included)",
                    Rule.integer()),
            new Setting(
                    MIN_REQUEST_DATA_RATE,
                    "16384",
                    "slowest accepted request body in bytes/s, averaged from its first byte (0: no minimum)",
                    Rule.integer()),
            new Setting(
                    MAX_CONNECTIONS,
                    "2048",
                    "most open connections; more wait in the OS accept queue",
                    Rule.atLeast(1)),
            new Setting(
                    THREADS_MAX,
                    "200",
                    "most HTTP threads (Jetty's acceptor and selector threads included)",
                    Rule.atLeast(1)),
            new Setting(
                    THREADS_QUEUE,
                    "2048",
                    "most jobs waiting for an HTTP thread; past it the connection is closed",
                    Rule.atLeast(1)),
            new Setting(
                    DRAIN_MS,
                    "5000",
                    "on SIGTERM, how long readiness answers 503 while requests are still served, before the graceful stop",
                    Rule.integer()),
            new Setting(
                    REPLICA_ID,
                    "",
                    "this replica's name in the store's shadow summaries (empty: serving-<host>-<pid>)"),
            new Setting(STORE_ROOT, "${user.home}/.hearth/store", "model store root: a local path or a Hadoop URI"),
            // Encryption at rest (dev.hearth.store.crypto): shared by every module that opens the store.
            EncryptionSettings.ALL.get(0),
            EncryptionSettings.ALL.get(1),
            EncryptionSettings.ALL.get(2),
            new Setting(
                    MODELS, "", "models to serve: name (latest), name/N (pinned) or name@alias; empty: every model"),
            new Setting(
                    POLL_INTERVAL_MS,
                    "5000",
                    "how often the store is checked for new versions (0: never)",
                    Rule.integer()),
            new Setting(
                    LEASE_TTL_MS,
                    "60000",
                    "lease on each served version, renewed while serving, so store gc never deletes it (0: no leases)",
                    Rule.integer()),
            new Setting(
                    LEASE_RENEW_MS,
                    "0",
                    "how often leases are renewed, on their own timer (0: a third of serving.lease.ttl.ms; at most half of it)",
                    Rule.integer()),
            new Setting(
                    VERSION_CACHE_SIZE, "2", "other versions kept loaded for /versions/{v} requests", Rule.atLeast(1)),
            new Setting(
                    OFFHEAP_BUDGET, "0", "most bytes of model parameters held at once (0: no limit)", Rule.integer()),
            new Setting(
                    COMPUTE_THREADS,
                    "1",
                    "native threads per forward pass (0: ND4J's default, every core)",
                    Rule.atLeast(0)),
            new Setting(
                    DENSE_FAST_PATH,
                    "true",
                    "run networks made only of dense layers with direct BLAS calls instead of DL4J's output()",
                    Rule.flag()),
            new Setting(
                    VERSIONS_ON_DEMAND,
                    "false",
                    "load versions no policy serves when /versions/{v}/infer names them (token needs read:<model> too); off by default: each such request can force a full model load",
                    Rule.flag()),
            new Setting(
                    ROLLOUT,
                    "",
                    "canary and shadow targets per model: name.canary=@alias:percent, name.shadow=@alias:fraction (comma-separated)"),
            new Setting(
                    ROLLOUT_FILE,
                    "",
                    "properties file with name.canary / name.shadow entries, re-read every poll (overrides serving.rollout)"),
            new Setting(
                    SHADOW_THREADS,
                    "1",
                    "threads running shadow requests after the primary answer was sent",
                    Rule.atLeast(1)),
            new Setting(
                    SHADOW_QUEUE,
                    "256",
                    "most shadow requests waiting; past it new ones are dropped (counted)",
                    Rule.atLeast(1)),
            new Setting(
                    SHADOW_PERSIST_MS,
                    "10000",
                    "how often this replica writes its shadow summary to the store (0: never)",
                    Rule.integer()),
            new Setting(BATCHING_ENABLED, "true", "merge concurrent requests into one forward pass", Rule.flag()),
            new Setting(BATCH_MAX_SIZE, "64", "most rows in one merged forward pass", Rule.atLeast(1)),
            new Setting(
                    BATCH_MAX_DELAY_US,
                    "0",
                    "how long a batch waits for more requests, microseconds (0: merge only what is already queued)",
                    Rule.integer()),
            new Setting(BATCH_PER_MODEL, "", "per-model batching: name:maxRows:maxDelayMicros,..."),
            new Setting(
                    BATCH_MAX_QUEUE_ROWS,
                    "10000",
                    "most rows waiting for a forward pass per model; past it 503 with Retry-After",
                    Rule.integer()),
            new Setting(AUTH_ENABLED, "true", "require bearer tokens (all but health endpoints)", Rule.flag()),
            new Setting(TOKENS_FILE, "${user.home}/.hearth/tokens", "token file written by bin/hearth tokens create"),
            new Setting(
                    TOKENS_RELOAD_MS,
                    "2000",
                    "how often the token file is checked for changes (0: read at start only)",
                    Rule.atLeast(0)),
            new Setting(TLS_ENABLED, "false", "serve HTTPS", Rule.flag()),
            new Setting(TLS_KEYSTORE, "", "PKCS#12 key store with the server key and certificate chain"),
            new Setting(TLS_KEYSTORE_PASSWORD, "", "password of the PKCS#12 key store"),
            new Setting(TLS_CERT, "", "PEM certificate chain (with tls.key, instead of tls.keystore)"),
            new Setting(TLS_KEY, "", "PEM private key, unencrypted PKCS#8 (with tls.cert)"),
            new Setting(
                    TLS_PROTOCOLS, "TLSv1.3,TLSv1.2", "accepted TLS versions (only TLSv1.2 and TLSv1.3 are allowed)"),
            new Setting(TLS_CIPHERS, DEFAULT_CIPHERS, "accepted cipher suites, in order of preference"),
            new Setting(
                    CONSOLE_ENABLED,
                    "false",
                    "serve the web console under /console/ (off: a browser surface with cookie sessions is opt-in, like management)",
                    Rule.flag()),
            new Setting(
                    CONSOLE_SESSION_TTL_MS,
                    "28800000",
                    "how long a console session lasts after sign-in, milliseconds",
                    Rule.integer()),
            new Setting(
                    CONSOLE_SESSIONS_MAX,
                    "1000",
                    "most console sessions held at once; the oldest is dropped past it",
                    Rule.atLeast(1)),
            new Setting(
                    CONSOLE_SAMPLE_MS,
                    "2000",
                    "how often the console samples the server's metrics for its live charts, milliseconds",
                    Rule.integer()),
            new Setting(
                    CONSOLE_MODELS_REFRESH_MS,
                    "5000",
                    "how old the models page's read of the store may get before a view re-reads it in the background, milliseconds (0: every view reads the store)",
                    Rule.integer()));

    private ServingSettings() {}

    /** A loader for the server's settings. */
    public static SettingsLoader loader() {
        return new SettingsLoader(ALL);
    }
}
