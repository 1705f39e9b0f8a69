package dev.hearth.serving.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.Settings;
import dev.hearth.serving.ServingSettings;
import dev.hearth.serving.auth.TokenReloader;
import dev.hearth.serving.http.AccessControl;
import dev.hearth.serving.http.ErrorMapper;
import dev.hearth.store.ModelStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hearth console}: the console's registry view alone (models, versions, diffs, images, audit log, manage
 * actions), without loading or serving any model, for teams that only want to look at the store. Same settings file
 * and token file as {@code serve}; plain HTTP on {@code server.host} (loopback by default): for HTTPS run
 * {@code serve} with {@code console.enabled=true}, or put a TLS proxy in front.
 */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = "Serve the web console (registry view) over a model store, without serving models.",
        footer = "%nSettings (defaults < --config file < --set): see conf/serving.properties (server.host, auth.*, console.*).")
public final class ConsoleServer implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);

    @Option(names = "--config", description = "settings file (properties), e.g. conf/serving.properties")
    Path config;

    @Option(names = "--set", description = "override one setting, key=value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--port", description = "shortcut for --set server.port=...")
    Integer port;

    @Option(names = "--store", description = "shortcut for --set store.root=...")
    String store;

    @Override
    public Integer call() throws InterruptedException {
        List<String> all = new ArrayList<>(overrides);
        if (port != null) {
            all.add(ServingSettings.PORT + "=" + port);
        }
        if (store != null) {
            all.add(ServingSettings.STORE_ROOT + "=" + store);
        }
        Javalin app = start(ServingSettings.loader().load(config, all));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            stopped.countDown();
        }, "hearth-console-shutdown"));
        stopped.await();
        return 0;
    }

    /** Starts the standalone console; prints {@code listening on http://host:port} on stdout. */
    public static Javalin start(Settings settings) {
        if (settings.getBoolean(ServingSettings.TLS_ENABLED)) {
            throw new IllegalArgumentException("bin/hearth console serves plain HTTP; for HTTPS run bin/hearth serve "
                    + "with console.enabled=true (tls.enabled=true), or put a TLS proxy in front");
        }
        ModelStore modelStore = HadoopModelStore.open(settings.require(ServingSettings.STORE_ROOT), new Configuration());
        boolean authEnabled = settings.getBoolean(ServingSettings.AUTH_ENABLED);
        AccessControl access = new AccessControl(authEnabled ? TokenReloader.read(
                Path.of(settings.require(ServingSettings.TOKENS_FILE)),
                settings.getInt(ServingSettings.TOKENS_RELOAD_MS, 0)) : null, authEnabled);
        ConsoleRoutes routes = ConsoleRoutes.create(modelStore, access, ServedModels.none(), null, settings, false);
        ErrorMapper errors = new ErrorMapper(new ObjectMapper());
        String host = settings.require(ServingSettings.HOST);
        int port = settings.getInt(ServingSettings.PORT, 0);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = 64 * 1024;
            cfg.jetty.defaultHost = host;
            cfg.jetty.defaultPort = port;
            cfg.events.serverStarted(access::start);
            cfg.events.serverStopped(access::close);
        });
        app.beforeMatched(access::check);
        app.get("/", ctx -> ctx.redirect("/console/models", io.javalin.http.HttpStatus.SEE_OTHER),
                dev.hearth.serving.http.Access.CONSOLE);
        routes.register(app);
        app.exception(HttpResponseException.class, errors::handle);
        app.exception(Exception.class, errors::handle);
        app.start();
        String url = "http://" + host + ":" + app.port();
        LOG.info("Console over store {} on {}/console/ (auth {})", modelStore.root(), url, authEnabled ? "on" : "off");
        System.out.println("listening on " + url);
        return app;
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new ConsoleServer());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof dev.hearth.store.ModelStoreException) {
                line.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }
}
