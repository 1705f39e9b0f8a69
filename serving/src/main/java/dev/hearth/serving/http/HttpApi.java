package dev.hearth.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.metrics.ServingMetrics;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.rollout.Routing;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/** Builds the HTTP server: routes with their access rules, limits, TLS, access log, metrics and error mapping. */
public final class HttpApi {
    /**
     * Limits and switches of the HTTP layer.
     *
     * @param maxBodyBytes largest accepted request body
     * @param maxRows most rows per inference request
     * @param requestTimeoutMillis longest wait for a forward pass
     * @param management whether the management endpoints exist
     * @param accessLog whether to write access-log lines
     * @param shutdownTimeoutMillis how long Jetty's graceful stop waits for responses still being written
     */
    public record Options(long maxBodyBytes, int maxRows, long requestTimeoutMillis, boolean management,
            boolean accessLog, long shutdownTimeoutMillis) {}

    private final ModelRegistry registry;
    private final ServingMetrics metrics;
    private final AccessControl access;
    private final InFlight inFlight;
    private final Options options;
    private final Routing routing;
    private final java.util.List<java.util.function.Consumer<Javalin>> moreRoutes = new java.util.ArrayList<>();

    public HttpApi(ModelRegistry registry, ServingMetrics metrics, AccessControl access, InFlight inFlight,
            Options options) {
        this(registry, metrics, access, inFlight, options, Routing.NONE);
    }

    /** @param routing canary and shadow routing of inference requests (see {@code dev.hearth.serving.rollout}) */
    public HttpApi(ModelRegistry registry, ServingMetrics metrics, AccessControl access, InFlight inFlight,
            Options options, Routing routing) {
        this.routing = routing;
        this.registry = registry;
        this.metrics = metrics;
        this.access = access;
        this.inFlight = inFlight;
        this.options = options;
    }

    /**
     * Adds routes registered by another part of the server (the web console) after the API's own, so the same
     * access control, limits and error mapping apply to them.
     */
    public HttpApi withRoutes(java.util.function.Consumer<Javalin> routes) {
        moreRoutes.add(routes);
        return this;
    }

    /**
     * A configured, not yet started server listening on {@code host:port} (start it with {@code start()}).
     *
     * @param limits what slow or numerous clients are granted
     * @param tls HTTPS key material and policy, or null for plain HTTP
     */
    public Javalin create(ServerLimits limits, TlsConnector tls, String host, int port) {
        ObjectMapper mapper = new ObjectMapper();
        ErrorMapper errors = new ErrorMapper(mapper);
        InferenceHandler inference = new InferenceHandler(registry,
                new InferenceRequestParser(options.maxRows()), mapper.getFactory(),
                options.requestTimeoutMillis(), options.maxBodyBytes(), inFlight, routing);
        String version = HttpApi.class.getPackage().getImplementationVersion();
        MetadataHandler metadata = new MetadataHandler(registry, mapper, errors, version == null ? "dev" : version);
        AccessLog accessLog = new AccessLog(mapper, metrics, options.accessLog());
        OpenApiHandler openApi = new OpenApiHandler();
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = options.maxBodyBytes();
            // Responses are small JSON; Javalin's compression wrapper costs allocation on every response.
            cfg.http.disableCompression();
            cfg.useVirtualThreads = false;
            // Errors (not Exceptions) bypass app.exception: answer them like any 500, details to the log only.
            cfg.pvt.javaLangErrorHandler(errors::fatal);
            cfg.requestLogger.http((ctx, ms) -> {
                inFlight.leave(ctx);
                accessLog.log(ctx, ms);
            });
            // Jetty's graceful stop waits (up to the timeout) for requests whose responses are still being written.
            cfg.jetty.modifyServer(server -> {
                server.setHandler(new StatisticsHandler());
                server.setStopTimeout(options.shutdownTimeoutMillis());
            });
            cfg.jetty.threadPool = limits.threadPool();
            cfg.jetty.modifyHttpConfiguration(limits::apply);
            // Our own connector, plain or TLS, so that every limit applies (Javalin's default one has Jetty's
            // defaults).
            cfg.jetty.addConnector((server, http) -> limits.connector(server, host, port,
                    tls == null ? new ConnectionFactory[] {new HttpConnectionFactory(http)}
                            : tls.connectionFactories(http)));
            // The token file is watched only while the server runs.
            cfg.events.serverStarted(access::start);
            cfg.events.serverStartFailed(access::close);
            cfg.events.serverStopped(access::close);
        });
        app.before(inFlight::enter);
        app.beforeMatched(access::check);
        app.get("/v2/health/live", metadata::live, Access.OPEN);
        app.get("/v2/health/ready", metadata::ready, Access.OPEN);
        app.get("/v2", metadata::server, Access.AUTHENTICATED);
        app.get("/openapi.json", openApi::get, Access.AUTHENTICATED);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()), Access.READ_ALL);
        app.get("/v2/models/{name}", metadata::model, Access.READ);
        app.get("/v2/models/{name}/ready", metadata::modelReady, Access.READ);
        app.get("/v2/models/{name}/versions/{version}", metadata::version, Access.READ);
        app.get("/v2/models/{name}/versions/{version}/ready", metadata::versionReady, Access.READ);
        app.post("/v2/models/{name}/infer", inference::infer, Access.PREDICT);
        app.post("/v2/models/{name}/versions/{version}/infer", inference::inferVersion, Access.PREDICT);
        app.post("/v1/models/{name}:predict", inference::predictV1, Access.PREDICT);
        if (options.management()) {
            ManagementHandler management = new ManagementHandler(registry);
            app.post("/v2/repository/models/{name}/load", management::load, Access.MANAGE);
            app.post("/v2/repository/models/{name}/unload", management::unload, Access.MANAGE);
        }
        moreRoutes.forEach(r -> r.accept(app));
        // Javalin's own responses (unknown route, body too large) need their own registration to be mapped.
        app.exception(HttpResponseException.class, errors::handle);
        app.exception(Exception.class, errors::handle);
        return app;
    }
}
