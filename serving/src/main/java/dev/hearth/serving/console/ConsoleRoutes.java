package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;

import dev.hearth.serving.http.Access;
import dev.hearth.serving.http.ErrorMapper;
import dev.hearth.serving.http.ForbiddenException;
import dev.hearth.serving.http.Paths;
import dev.hearth.serving.http.UnauthorizedException;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;

/**
 * Registers the console's routes under {@code /console/} and applies to all of them: the security headers (a
 * Content-Security-Policy without inline script or style, {@code frame-ancestors 'none'}, {@code nosniff}, no
 * referrer, no caching), session lookup (pages redirect to sign-in without one), the CSRF and Origin checks of every
 * POST, and HTML error pages whose status comes from the server's {@link ErrorMapper}; faults (500) go to the
 * ErrorMapper itself, which logs them with a request id.
 */
public final class ConsoleRoutes {
    /** The policy of every console response. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @FunctionalInterface
    private interface PageHandler {
        void handle(Context ctx, Viewer viewer) throws Exception;
    }

    private final ModelStore store;
    private final ConsoleSessions sessions;
    private final MetricsSampler sampler;
    private final ModelsSnapshot snapshots;
    private final ModelsPage models;
    private final ModelPage model;
    private final VersionPage version;
    private final DiffPage diff;
    private final AuditPage audit;
    private final ServicePage service;
    private final TryItPage tryIt;
    private final ManageActions manage;
    private final StaticAssets assets = new StaticAssets();
    private final Verifications verifications;

    /**
     * @param sampler the server's metrics sampler, or null for the standalone registry view
     */
    public ConsoleRoutes(
            ModelStore store,
            ConsoleSessions sessions,
            ServedModels served,
            MetricsSampler sampler,
            long modelsRefreshMillis) {
        this.store = store;
        this.sessions = sessions;
        this.sampler = sampler;
        this.verifications = new Verifications(store);
        this.snapshots = new ModelsSnapshot(store, modelsRefreshMillis, System::currentTimeMillis);
        this.models = new ModelsPage(snapshots, served, sampler);
        this.model = new ModelPage(store, verifications);
        this.version = new VersionPage(store, verifications);
        this.diff = new DiffPage(store);
        this.audit = new AuditPage(store);
        this.service = new ServicePage(served, sampler);
        this.tryIt = new TryItPage(store, served);
        this.manage = new ManageActions(store);
    }

    /**
     * The console of a server configured by {@code settings}: sessions over {@code access} (which from now on also
     * accepts them on the OIP endpoints, for the try-it page), and a sampler of {@code registry} when a model
     * server runs.
     *
     * @param registry the server's meters, or null for the standalone registry view
     * @param tls whether the server speaks HTTPS (the session cookie is then {@code Secure})
     */
    public static ConsoleRoutes create(
            ModelStore store,
            dev.hearth.serving.http.AccessControl access,
            ServedModels served,
            io.micrometer.core.instrument.MeterRegistry registry,
            dev.hearth.config.Settings settings,
            boolean tls) {
        ConsoleSessions sessions = new ConsoleSessions(
                access,
                java.time.Duration.ofMillis(
                        settings.getLong(dev.hearth.serving.ServingSettings.CONSOLE_SESSION_TTL_MS)),
                settings.getInt(dev.hearth.serving.ServingSettings.CONSOLE_SESSIONS_MAX, 1),
                tls,
                java.time.Clock.systemUTC());
        access.acceptSessions(sessions);
        MetricsSampler sampler = registry == null
                ? null
                : new MetricsSampler(
                        registry, served, settings.getLong(dev.hearth.serving.ServingSettings.CONSOLE_SAMPLE_MS));
        return new ConsoleRoutes(
                store,
                sessions,
                served,
                sampler,
                settings.getLong(dev.hearth.serving.ServingSettings.CONSOLE_MODELS_REFRESH_MS));
    }

    /** Adds the routes to {@code app}, and starts and stops the metrics sampler with the server. */
    public void register(Javalin app) {
        app.events(e -> {
            if (sampler != null) {
                e.serverStarted(sampler::start);
                e.serverStopped(sampler::close);
            }
            e.serverStarted(snapshots::warmUp);
            e.serverStopped(snapshots::close);
            e.serverStopped(verifications::close);
        });
        app.before("/console*", ConsoleRoutes::headers);
        app.get(
                "/console",
                ctx -> ctx.redirect("/console/models", io.javalin.http.HttpStatus.SEE_OTHER),
                Access.CONSOLE);
        app.get("/console/static/{file}", assets::serve, Access.CONSOLE);
        app.get("/console/signin", this::signInPage, Access.CONSOLE);
        app.post("/console/signin", this::signIn, Access.CONSOLE);
        app.post(
                "/console/signout",
                action((ctx, v) -> {
                    sessions.signOut(ctx);
                    ctx.redirect("/console/signin", io.javalin.http.HttpStatus.SEE_OTHER);
                }),
                Access.CONSOLE);
        app.get(
                "/console/models",
                page((ctx, v) -> {
                    ModelsSnapshot.Snapshot snapshot = snapshots.get();
                    ctx.header(
                            "X-Hearth-Store-Read", String.format(java.util.Locale.ROOT, "%.1f", snapshot.readMillis()));
                    ctx.html(models.render(v, ctx.queryParam("q"), snapshot));
                }),
                Access.CONSOLE);
        app.get(
                "/console/models/{name}",
                page((ctx, v) -> ctx.html(model.render(v, readable(ctx, v), ctx.queryParam("done")))),
                Access.CONSOLE);
        app.get(
                "/console/models/{name}/diff",
                page((ctx, v) -> ctx.html(diff.render(v, readable(ctx, v), ctx.queryParam("a"), ctx.queryParam("b")))),
                Access.CONSOLE);
        app.get(
                "/console/models/{name}/versions/{version}",
                page((ctx, v) -> ctx.html(version.render(v, readable(ctx, v), Paths.version(ctx)))),
                Access.CONSOLE);
        app.get("/console/models/{name}/versions/{version}/files/{file}", page(this::image), Access.CONSOLE);
        app.post(
                "/console/models/{name}/alias",
                action((ctx, v) -> done(ctx, readable(ctx, v), manage.moveAlias(ctx, v, readable(ctx, v)))),
                Access.CONSOLE);
        app.post(
                "/console/models/{name}/rollback",
                action((ctx, v) -> done(ctx, readable(ctx, v), manage.rollback(ctx, v, readable(ctx, v)))),
                Access.CONSOLE);
        // After the console's own alias changes the models page shows them at once (else at its next re-read).
        app.after("/console/models/{name}/alias", ctx -> rereadAfterChange(ctx));
        app.after("/console/models/{name}/rollback", ctx -> rereadAfterChange(ctx));
        app.post(
                "/console/models/{name}/tag",
                action((ctx, v) -> done(ctx, readable(ctx, v), manage.tag(ctx, v, readable(ctx, v)))),
                Access.CONSOLE);
        app.get(
                "/console/audit",
                page((ctx, v) -> ctx.html(audit.render(v, ctx.queryParam("model"), ctx.queryParam("action")))),
                Access.CONSOLE);
        app.get("/console/service", page((ctx, v) -> ctx.html(service.render(v))), Access.CONSOLE);
        app.get("/console/service/chart.svg", page(this::chart), Access.CONSOLE);
        app.get("/console/try", page((ctx, v) -> ctx.html(tryIt.render(v, ctx.queryParam("model")))), Access.CONSOLE);
    }

    private void rereadAfterChange(Context ctx) {
        if (ctx.statusCode() == 303) {
            snapshots.reread(ModelNames.validate("model name", ctx.pathParam("name")));
        }
    }

    private static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        // not no-referrer: with it Chromium sends "Origin: null" on same-origin form posts, which the Origin check
        // refuses
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    private void signInPage(Context ctx) {
        if (!sessions.signInRequired()) {
            ctx.redirect("/console/models", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        ctx.html(signInHtml(null));
    }

    private static String signInHtml(String error) {
        return Html.page(
                "Sign in",
                null,
                (error == null ? "" : "<p class=\"error\" id=\"error\">" + esc(error) + "</p>")
                        + "<form method=\"post\" action=\"/console/signin\" id=\"signin\"><label class=\"block\">Bearer token "
                        + "<input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\" required></label>"
                        + "<p><button type=\"submit\">Sign in</button></p></form><p class=\"muted\">Create one with "
                        + "<code>bin/hearth tokens create --scope 'read:*'</code> (add <code>--scope manage</code> to move "
                        + "aliases, <code>--scope 'predict:*'</code> to try models). It is exchanged for a session cookie "
                        + "and never stored in the browser.</p>");
    }

    private void signIn(Context ctx) {
        try {
            SameOrigin.check(ctx);
            sessions.signIn(ctx, ctx.formParam("token"));
            ctx.redirect("/console/models", io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (UnauthorizedException | ForbiddenException e) {
            ctx.status(ErrorMapper.status(e)).html(signInHtml(e.getMessage()));
        }
    }

    /** A page: the session's viewer (or a redirect to sign-in) and HTML error pages. */
    private Handler page(PageHandler h) {
        return ctx -> {
            Optional<Viewer> viewer = sessions.current(ctx);
            if (viewer.isEmpty() && !sessions.signInRequired()) {
                viewer = Optional.of(sessions.signIn(ctx, null));
            }
            if (viewer.isEmpty()) {
                ctx.redirect("/console/signin", io.javalin.http.HttpStatus.SEE_OTHER);
                return;
            }
            run(h, ctx, viewer.get());
        };
    }

    /** A state change: a session, this origin and the session's CSRF token are required before anything runs. */
    private Handler action(PageHandler h) {
        return ctx -> {
            Optional<Viewer> viewer = sessions.current(ctx);
            try {
                if (viewer.isEmpty()) {
                    SameOrigin.check(ctx);
                    throw new UnauthorizedException("refused: no console session (signed out, expired, or its token "
                            + "was revoked); sign in again");
                }
                ConsoleSessions.checkStateChange(ctx, viewer.get());
            } catch (UnauthorizedException | ForbiddenException e) {
                error(ctx, viewer.orElse(null), e);
                return;
            }
            run(h, ctx, viewer.get());
        };
    }

    private static void run(PageHandler h, Context ctx, Viewer viewer) throws Exception {
        // The access log names the session's token like a bearer token's (its id, never the token).
        ctx.attribute(dev.hearth.serving.http.AccessLog.TOKEN_ID, viewer.tokenId());
        long started = System.nanoTime();
        try {
            h.handle(ctx, viewer);
            // The server-side render time, for the browser's developer tools and the console benchmark.
            ctx.header(
                    "Server-Timing",
                    String.format(java.util.Locale.ROOT, "render;dur=%.1f", (System.nanoTime() - started) / 1e6));
        } catch (Exception e) {
            if (ErrorMapper.status(e) == 500) {
                throw e;
            }
            error(ctx, viewer, e);
        }
    }

    private static void error(Context ctx, Viewer viewer, Exception e) {
        int status = ErrorMapper.status(e);
        String title = switch (status) {
            case 401 -> "Sign in needed";
            case 403 -> "Refused";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            default -> "Cannot do that";
        };
        ctx.status(status)
                .html(Html.page(
                        title,
                        viewer,
                        "<p class=\"error\" id=\"error\">" + esc(e.getMessage())
                                + "</p><p><a href=\"/console/models\">Back to models</a></p>"));
    }

    /** The path's model name, validated, when the viewer may read it (404 otherwise: names are not disclosed). */
    private static String readable(Context ctx, Viewer viewer) {
        String name = ModelNames.validate("model name", ctx.pathParam("name"));
        if (!viewer.canRead(name)) {
            throw new ForbiddenException("the token (id " + viewer.tokenId() + ") lacks scope 'read:" + name + "'");
        }
        return name;
    }

    private static void done(Context ctx, String name, String what) {
        ctx.redirect(
                "/console/models/" + Html.url(name) + "?done=" + Html.url(what), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** A stored chart image, read through the store (SHA-256 checked), only if it is a PNG the page shows. */
    private void image(Context ctx, Viewer viewer) {
        String name = readable(ctx, viewer);
        String file = ctx.pathParam("file");
        if (!VersionPage.IMAGES.contains(file)) {
            throw new ModelNotFoundException("the console serves only " + VersionPage.IMAGES + " of a version");
        }
        byte[] png = store.readFile(store.resolve(new ModelRef(name, Paths.version(ctx))), file);
        if (png.length < 8 || (png[0] & 0xff) != 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
            throw new ForbiddenException("stored " + file + " is not a PNG; not served");
        }
        ctx.contentType("image/png").result(png);
    }

    private void chart(Context ctx, Viewer viewer) {
        String name = ModelNames.validate("model", ctx.queryParam("model") == null ? "" : ctx.queryParam("model"));
        if (!viewer.canRead(name)) {
            throw new ForbiddenException("the token (id " + viewer.tokenId() + ") lacks scope 'read:" + name + "'");
        }
        ChartSvg.Kind kind = ChartSvg.Kind.parse(ctx.queryParam("kind"));
        ctx.contentType("image/svg+xml; charset=utf-8")
                .result(ChartSvg.render(name, kind, sampler == null ? java.util.List.of() : sampler.series(name)));
    }
}
