package dev.hearth.serving;

import dev.hearth.config.Settings;
import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.serving.console.ConsoleRoutes;
import dev.hearth.serving.console.ServedModels;
import dev.hearth.serving.http.Access;
import dev.hearth.serving.http.AccessControl;
import dev.hearth.serving.http.HttpApi;
import dev.hearth.serving.http.InFlight;
import dev.hearth.serving.http.RolloutHandler;
import dev.hearth.serving.http.ServerEndpoint;
import dev.hearth.serving.lifecycle.Drain;
import dev.hearth.serving.lifecycle.SignalDrain;
import dev.hearth.serving.metrics.ServingMetrics;
import dev.hearth.serving.model.BatchingConfig;
import dev.hearth.serving.model.ComputeThreads;
import dev.hearth.serving.model.LeaseKeeper;
import dev.hearth.serving.model.ModelLoader;
import dev.hearth.serving.model.ModelRegistry;
import dev.hearth.serving.model.StoreWatcher;
import dev.hearth.serving.rollout.Rollout;
import dev.hearth.serving.rollout.RolloutWiring;
import dev.hearth.store.ModelStore;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.hadoop.HadoopShadowSummaries;
import io.javalin.Javalin;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hearth serve}: serves models from the store over HTTP (Open Inference Protocol v2). */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "Serve models from the Hearth store over HTTP(S) (Open Inference Protocol v2), hot-swapping new versions.",
        footer = "%nSettings (defaults < --config file < --set): see conf/serving.properties.")
public final class ModelServer implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

    @Mixin
    ServerOptions options = new ServerOptions();

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = options.load();
        LOG.info("Model server settings {}", redacted(settings));
        RunningServer server = start(settings);
        // SIGTERM/SIGINT drain (readiness 503 first, still answering for server.drain.ms), stop, and exit 0; the
        // hook only covers other ways the JVM ends.
        SignalDrain signals = new SignalDrain(server.drain(), server::stop);
        signals.install();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "hearth-shutdown"));
        signals.await();
        return 0;
    }

    private static Map<String, String> redacted(Settings settings) {
        Map<String, String> copy = new TreeMap<>(settings.asMap());
        copy.computeIfPresent(ServingSettings.TLS_KEYSTORE_PASSWORD, (k, v) -> v.isEmpty() ? v : "***");
        return copy;
    }

    /**
     * Starts the HTTP server, loads the configured models and starts watching the store; returns the running
     * server. Models that cannot be loaded are reported by readiness and metadata, not fatal.
     */
    public static RunningServer start(Settings settings) {
        return start(ServerConfig.from(settings));
    }

    /**
     * Starts the server from its configuration (read and checked once by {@link ServerConfig#from}); see
     * {@link #start(Settings)}.
     */
    public static RunningServer start(ServerConfig config) {
        Settings settings = config.settings();
        ComputeThreads.apply(config.computeThreads());
        // HTTP limits and TLS files are checked before anything is opened, so a bad setting leaks nothing.
        ServerEndpoint endpoint = ServerSetup.endpoint(settings);
        Drain drain = new Drain(config.drainMillis());
        ServingMetrics metrics = new ServingMetrics();
        Configuration storeConf = ServerSetup.storeConfiguration(settings);
        ModelStore modelStore = HadoopModelStore.open(config.storeRoot(), storeConf);
        Function<String, BatchingConfig> batching = config::batching;
        ModelLoader loader = new ModelLoader(
                modelStore, ModelRuntime.standard(new RuntimeOptions(config.denseFastPath(), config.computeThreads())));
        LeaseKeeper leases =
                new LeaseKeeper(modelStore, LeaseKeeper.processHolder(), config.leaseTtl(), config.leaseRenew());
        ModelRegistry registry = new ModelRegistry(
                modelStore,
                loader,
                config.policies(),
                batching,
                config.versionCacheSize(),
                config.versionsOnDemand(),
                config.offheapBudget(),
                metrics,
                leases);
        AccessControl access = ServerSetup.access(settings);
        InFlight inFlight = new InFlight(config.maxInflightBytes());
        Rollout rollout;
        try {
            rollout = RolloutWiring.create(
                    settings,
                    modelStore,
                    loader,
                    batching,
                    metrics,
                    metrics.registry(),
                    registry,
                    leases.holder(),
                    new HadoopShadowSummaries(config.storeRoot(), storeConf));
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        HttpApi api = new HttpApi(registry, metrics, access, inFlight, config.http(), rollout);
        if (config.consoleEnabled()) {
            api.withRoutes(ConsoleRoutes.create(
                    modelStore, access, served(registry), metrics.registry(), settings, endpoint.secure())::register);
        }
        Javalin app = api.create(endpoint);
        app.before("/v2/health/ready", drain::readiness);
        app.get("/v2/models/{name}/rollout", new RolloutHandler(rollout)::get, Access.READ);
        app.start();
        StoreWatcher watcher = new StoreWatcher(registry, config.pollIntervalMillis());
        try {
            registry.refresh();
            RolloutWiring.start(rollout, settings);
        } catch (RuntimeException e) {
            app.stop();
            rollout.close();
            registry.close();
            throw e;
        }
        leases.start(() -> LeaseKeeper.servedVersions(registry));
        watcher.start();
        String url = endpoint.url(app);
        LOG.info(
                "Serving {} on {} (auth {}, batching {}, console {})",
                registry.names(),
                url,
                config.authEnabled() ? "on" : "off",
                config.batchingEnabled(),
                config.consoleEnabled() ? url + "/console/" : "off");
        if (!registry.isReady()) {
            LOG.warn("Not ready: {}", registry.notReadyReasons());
        }
        System.out.println("listening on " + url);
        return new RunningServer(
                app, registry, watcher, inFlight, config.shutdownTimeoutMillis(), url, drain, List.of(rollout));
    }

    /** What the console shows as served here: each slot's current version (0 while none is loaded). */
    private static ServedModels served(ModelRegistry registry) {
        return () -> {
            Map<String, Integer> out = new TreeMap<>();
            for (String name : registry.names()) {
                try {
                    out.put(name, registry.slot(name).currentVersion());
                } catch (dev.hearth.store.ModelNotFoundException e) {
                    // unloaded between the listing and the lookup
                }
            }
            return out;
        };
    }

    public static void main(String[] args) {
        System.exit(ServerCommands.execute(new ModelServer(), args));
    }
}
