package dev.hearth.serving;

import dev.hearth.config.Settings;
import dev.hearth.serving.http.HttpApi;
import dev.hearth.serving.model.ModelLoader;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.store.ModelStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hearth serve}: serves models from the store over HTTP (Open Inference Protocol v2). */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve the latest version of models from the Hearth store over HTTP (Open Inference Protocol v2).",
        footer = "%nSettings (defaults < --config file < --set): see conf/serving.properties.")
public final class ModelServer implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

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
        Settings settings = ServingSettings.loader().load(config, all);
        LOG.info("Model server settings {}", settings.asMap());
        Javalin app = start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            stopped.countDown();
        }, "hearth-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * Starts the HTTP server (answering 503 on readiness meanwhile), then loads the configured models; returns
     * the running, ready server. If a model cannot be loaded the server is stopped and the error rethrown.
     */
    public static Javalin start(Settings settings) {
        ModelStore modelStore = HadoopModelStore.open(settings.require(ServingSettings.STORE_ROOT), new Configuration());
        List<String> models = Arrays.stream(settings.get(ServingSettings.MODELS).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        ModelRegistry registry = new ModelRegistry(modelStore, new ModelLoader(modelStore), models);
        Javalin app = HttpApi.create(registry, settings.getLong(ServingSettings.MAX_BODY_BYTES));
        app.start(settings.require(ServingSettings.HOST), settings.getInt(ServingSettings.PORT, 0));
        try {
            registry.loadAll();
        } catch (RuntimeException e) {
            app.stop();
            throw e;
        }
        LOG.info("Serving {} on http://{}:{}", registry.names(), settings.get(ServingSettings.HOST), app.port());
        System.out.println("listening on http://" + settings.get(ServingSettings.HOST) + ":" + app.port());
        return app;
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new ModelServer());
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
