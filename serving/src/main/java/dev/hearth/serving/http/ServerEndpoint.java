package dev.hearth.serving.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import java.util.function.Consumer;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/**
 * Where and how a Hearth HTTP server listens, and the one place its Javalin/Jetty server is built: the model
 * server ({@link HttpApi}) and the standalone console both start theirs here, so both get the same connector
 * limits, TLS, access control and error mapping.
 *
 * @param host address to bind
 * @param port port to bind (0: any free one)
 * @param limits what slow or numerous clients are granted
 * @param tls HTTPS key material and policy, or null for plain HTTP
 * @param shutdownTimeoutMillis how long Jetty's graceful stop waits for responses still being written
 */
public record ServerEndpoint(String host, int port, ServerLimits limits, TlsConnector tls, long shutdownTimeoutMillis) {
    public ServerEndpoint {
        if (limits == null) {
            throw new IllegalArgumentException("server limits are required");
        }
    }

    /** Whether the server speaks HTTPS only. */
    public boolean secure() {
        return tls != null;
    }

    /** The base URL of a started server ({@code app.port()} is the port actually bound). */
    public String url(Javalin app) {
        return (secure() ? "https://" : "http://") + host + ":" + app.port();
    }

    /**
     * A configured, not yet started server (start it with {@code start()}). Routes registered on it are checked by
     * {@code access} and their exceptions answered by {@code errors}.
     *
     * @param maxRequestBytes largest request body Javalin buffers
     * @param more what the caller adds to the configuration (request logger, ...), applied last
     */
    public Javalin create(
            long maxRequestBytes, AccessControl access, ErrorMapper errors, Consumer<JavalinConfig> more) {
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = maxRequestBytes;
            // Responses are small; Javalin's compression wrapper costs allocation on every response.
            cfg.http.disableCompression();
            cfg.useVirtualThreads = false;
            // Errors (not Exceptions) bypass app.exception: answer them like any 500, details to the log only.
            cfg.pvt.javaLangErrorHandler(errors::fatal);
            // Jetty's graceful stop waits (up to the timeout) for requests whose responses are still being written.
            cfg.jetty.modifyServer(server -> {
                server.setHandler(new StatisticsHandler());
                server.setStopTimeout(shutdownTimeoutMillis);
            });
            cfg.jetty.threadPool = limits.threadPool();
            cfg.jetty.modifyHttpConfiguration(limits::apply);
            // Our own connector, plain or TLS, so that every limit applies (Javalin's default one has Jetty's
            // defaults).
            cfg.jetty.addConnector((server, http) -> limits.connector(
                    server,
                    host,
                    port,
                    tls == null
                            ? new ConnectionFactory[] {new HttpConnectionFactory(http)}
                            : tls.connectionFactories(http)));
            // The token file is watched only while the server runs.
            cfg.events.serverStarted(access::start);
            cfg.events.serverStartFailed(access::close);
            cfg.events.serverStopped(access::close);
            more.accept(cfg);
        });
        app.beforeMatched(access::check);
        // Javalin's own responses (unknown route, body too large) need their own registration to be mapped.
        app.exception(HttpResponseException.class, errors::handle);
        app.exception(Exception.class, errors::handle);
        return app;
    }
}
