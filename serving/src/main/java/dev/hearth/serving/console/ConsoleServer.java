package dev.hearth.serving.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.Settings;
import dev.hearth.serving.ServerCommands;
import dev.hearth.serving.ServerOptions;
import dev.hearth.serving.ServerSetup;
import dev.hearth.serving.ServingSettings;
import dev.hearth.serving.http.Access;
import dev.hearth.serving.http.AccessControl;
import dev.hearth.serving.http.ErrorMapper;
import dev.hearth.serving.http.ServerEndpoint;
import dev.hearth.store.ModelStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code hearth console}: the console's registry view alone (models, versions, diffs, images, audit log, manage
 * actions), without loading or serving any model, for teams that only want to look at the store. Same settings file,
 * token file, connection limits, TLS ({@code tls.*}) and store configuration ({@code HADOOP_CONF_DIR},
 * {@code store.encryption.*}) as {@code serve}, on {@code server.host} (loopback by default).
 */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = "Serve the web console (registry view) over a model store, without serving models.",
        footer = "%nSettings (defaults < --config file < --set): see conf/serving.properties (server.*, tls.*, auth.*,"
                + " store.encryption.*, console.*); the store's Hadoop configuration comes from HADOOP_CONF_DIR.")
public final class ConsoleServer implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final long MAX_REQUEST_BYTES = 64 * 1024;

    @Mixin
    ServerOptions options = new ServerOptions();

    @Override
    public Integer call() throws InterruptedException {
        Javalin app = start(options.load());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            app.stop();
                            stopped.countDown();
                        },
                        "hearth-console-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * Starts the standalone console on a server built like the model server's ({@link ServerSetup}: same
     * connection limits, TLS and store configuration); prints {@code listening on URL} on stdout.
     */
    public static Javalin start(Settings settings) {
        // Limits, TLS files and the token file are checked before the store is opened, so a bad setting leaks nothing.
        ServerEndpoint endpoint = ServerSetup.endpoint(settings);
        AccessControl access = ServerSetup.access(settings);
        ModelStore modelStore = HadoopModelStore.open(
                settings.require(ServingSettings.STORE_ROOT), ServerSetup.storeConfiguration(settings));
        ConsoleRoutes routes =
                ConsoleRoutes.create(modelStore, access, ServedModels.none(), null, settings, endpoint.secure());
        // The console's requests are forms and page loads: nothing near the API's inference bodies.
        Javalin app = endpoint.create(MAX_REQUEST_BYTES, access, new ErrorMapper(new ObjectMapper()), cfg -> {});
        app.get("/", ctx -> ctx.redirect("/console/models", HttpStatus.SEE_OTHER), Access.CONSOLE);
        routes.register(app);
        app.start();
        String url = endpoint.url(app);
        LOG.info(
                "Console over store {} on {}/console/ (auth {})",
                modelStore.root(),
                url,
                settings.getBoolean(ServingSettings.AUTH_ENABLED) ? "on" : "off");
        System.out.println("listening on " + url);
        return app;
    }

    public static void main(String[] args) {
        System.exit(ServerCommands.execute(new ConsoleServer(), args));
    }
}
