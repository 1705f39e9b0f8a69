package dev.hearth.serving;

import dev.hearth.config.Settings;
import dev.hearth.serving.auth.TokenReloader;
import dev.hearth.serving.http.AccessControl;
import dev.hearth.serving.http.ServerEndpoint;
import dev.hearth.serving.http.ServerLimits;
import dev.hearth.serving.http.TlsConnector;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopConfigurations;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code hearth serve} and {@code hearth console} read the same way from their settings: the HTTP endpoint
 * (address, connection limits, TLS), the store's Hadoop configuration ({@code HADOOP_CONF_DIR}, encryption keys)
 * and the access control (token file). Each is checked before anything is opened, so a bad setting leaks nothing.
 */
public final class ServerSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSetup.class);

    private ServerSetup() {}

    /** The endpoint of {@code server.*} and {@code tls.*}; throws naming the setting when one is invalid. */
    public static ServerEndpoint endpoint(Settings settings) {
        ServerLimits limits = new ServerLimits(
                settings.getLong(ServingSettings.IDLE_TIMEOUT_MS),
                settings.getLong(ServingSettings.HEADER_TIMEOUT_MS),
                settings.getLong(ServingSettings.MIN_REQUEST_DATA_RATE),
                settings.getInt(ServingSettings.MAX_CONNECTIONS, 1),
                settings.getInt(ServingSettings.THREADS_MAX, 1),
                settings.getInt(ServingSettings.THREADS_QUEUE, 1));
        TlsConnector tls = settings.getBoolean(ServingSettings.TLS_ENABLED) ? tls(settings) : null;
        return new ServerEndpoint(
                settings.require(ServingSettings.HOST),
                settings.getInt(ServingSettings.PORT, 0),
                limits,
                tls,
                settings.getLong(ServingSettings.SHUTDOWN_TIMEOUT_MS));
    }

    private static TlsConnector tls(Settings settings) {
        TlsConnector.Policy policy = TlsConnector.Policy.parse(
                settings.get(ServingSettings.TLS_PROTOCOLS), settings.get(ServingSettings.TLS_CIPHERS));
        if (settings.isSet(ServingSettings.TLS_KEYSTORE)) {
            return TlsConnector.fromPkcs12(
                    Path.of(settings.get(ServingSettings.TLS_KEYSTORE)),
                    settings.get(ServingSettings.TLS_KEYSTORE_PASSWORD),
                    policy);
        }
        if (settings.isSet(ServingSettings.TLS_CERT) && settings.isSet(ServingSettings.TLS_KEY)) {
            return TlsConnector.fromPem(
                    Path.of(settings.get(ServingSettings.TLS_CERT)),
                    Path.of(settings.get(ServingSettings.TLS_KEY)),
                    policy);
        }
        throw new IllegalArgumentException(
                "tls.enabled=true needs tls.keystore (PKCS#12) or tls.cert and tls.key (PEM)");
    }

    /**
     * The Hadoop configuration the store is opened with: Hadoop's defaults, {@code core-site.xml} and
     * {@code hdfs-site.xml} from the class path and {@code $HADOOP_CONF_DIR} (s3a:// and hdfs:// stores), and the
     * {@code store.encryption.*} settings (encrypted stores).
     */
    public static Configuration storeConfiguration(Settings settings) {
        Configuration conf = HadoopConfigurations.load();
        EncryptionSettings.applyTo(settings, conf);
        return conf;
    }

    /**
     * Access control from {@code auth.*}: with auth on, the token file must exist and hold at least one token
     * (a server nobody can call is a mistake, not a configuration).
     */
    public static AccessControl access(Settings settings) {
        boolean enabled = settings.getBoolean(ServingSettings.AUTH_ENABLED);
        if (!enabled) {
            return new AccessControl(null, false);
        }
        Path file = Path.of(settings.require(ServingSettings.TOKENS_FILE));
        TokenReloader tokens = TokenReloader.read(file, settings.getInt(ServingSettings.TOKENS_RELOAD_MS, 0));
        if (tokens.current().size() == 0) {
            throw new IllegalArgumentException("auth.enabled=true but the token file " + file + " has no tokens;"
                    + " create one with: bin/hearth tokens create --file " + file + " --scope 'predict:*'"
                    + " (or set auth.enabled=false)");
        }
        LOG.info("Access control on: {} tokens from {}", tokens.current().size(), file);
        return new AccessControl(tokens, true);
    }
}
