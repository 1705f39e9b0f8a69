package dev.hearth.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.metrics.ServingMetrics;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.rollout.Routing;
import io.javalin.Javalin;

/**
 * The model server's HTTP API: routes with their access rules, access log and metrics, on a server built by
 * {@link ServerEndpoint} (limits, TLS, error mapping).
 */
public final class HttpApi {
    /**
     * Limits and switches of the HTTP layer.
     *
     * @param maxBodyBytes largest accepted request body
     * @param maxRows most rows per inference request
     * @param requestTimeoutMillis longest wait for a forward pass
     * @param management whether the management endpoints exist
     * @param accessLog whether to write access-log lines
     */
    public record Options(
            long maxBodyBytes, int maxRows, long requestTimeoutMillis, boolean management, boolean accessLog) {}

    private final ModelRegistry registry;
    private final ServingMetrics metrics;
    private final AccessControl access;
    private final InFlight inFlight;
    private final Options options;
    private final Routing routing;
    private final java.util.List<java.util.function.Consumer<Javalin>> moreRoutes = new java.util.ArrayList<>();

    public HttpApi(
            ModelRegistry registry, ServingMetrics metrics, AccessControl access, InFlight inFlight, Options options) {
        this(registry, metrics, access, inFlight, options, Routing.NONE);
    }

    /** @param routing canary and shadow routing of inference requests (see {@code dev.hearth.serving.rollout}) */
    public HttpApi(
            ModelRegistry registry,
            ServingMetrics metrics,
            AccessControl access,
            InFlight inFlight,
            Options options,
            Routing routing) {
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
     * A configured, not yet started server on {@code endpoint} (start it with {@code start()}).
     *
     * @param endpoint address, limits and TLS; it builds the server the standalone console uses too
     */
    public Javalin create(ServerEndpoint endpoint) {
        ObjectMapper mapper = new ObjectMapper();
        ErrorMapper errors = new ErrorMapper(mapper);
        InferenceHandler inference = new InferenceHandler(
                registry,
                new InferenceRequestParser(options.maxRows()),
                mapper.getFactory(),
                options.requestTimeoutMillis(),
                options.maxBodyBytes(),
                inFlight,
                routing);
        String version = HttpApi.class.getPackage().getImplementationVersion();
        MetadataHandler metadata = new MetadataHandler(registry, mapper, errors, version == null ? "dev" : version);
        AccessLog accessLog = new AccessLog(mapper, metrics, options.accessLog());
        OpenApiHandler openApi = new OpenApiHandler();
        Javalin app = endpoint.create(
                options.maxBodyBytes(),
                access,
                errors,
                cfg -> cfg.requestLogger.http((ctx, ms) -> {
                    inFlight.leave(ctx);
                    accessLog.log(ctx, ms);
                }));
        app.before(inFlight::enter);
        app.get("/v2/health/live", metadata::live, Access.OPEN);
        app.get("/v2/health/ready", metadata::ready, Access.OPEN);
        app.get("/v2", metadata::server, Access.AUTHENTICATED);
        app.get("/openapi.json", openApi::get, Access.AUTHENTICATED);
        app.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape()),
                Access.READ_ALL);
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
        return app;
    }
}
