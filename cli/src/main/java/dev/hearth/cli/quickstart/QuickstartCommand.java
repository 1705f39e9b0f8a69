package dev.hearth.cli.quickstart;

import dev.hearth.serving.auth.TokenFile;
import dev.hearth.serving.client.InferRequest;
import dev.hearth.serving.client.InferResponse;
import dev.hearth.serving.client.InferenceClient;
import dev.hearth.store.EvaluationFile;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopConfigurations;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hearth quickstart}: trains a 784-256-10 network on 10,000 MNIST digits on local Spark and publishes it
 * ({@code bin/hearth train}), reads its test accuracy from the published version's {@link EvaluationFile}, creates a
 * predict token, starts the server ({@code bin/hearth serve} on a free port), waits until it is ready, sends the file's
 * last digit with {@link InferenceClient}, prints the prediction and stops the server by its PID. Train and serve run
 * as children through the launcher ({@link LauncherProcess}), so they start exactly as a user's commands do.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = "Train on MNIST, publish, serve, send one prediction, print it, stop the server.")
public final class QuickstartCommand implements Callable<Integer> {
    /** The model name conf/quickstart.properties publishes as. */
    static final String MODEL = "quickstart";

    private static final Pattern LISTENING = Pattern.compile("listening on (http\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final int RESPONSE_CHARS = 400;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--launcher",
            required = true,
            paramLabel = "PATH",
            description = "bin/hearth, which runs train and serve")
    Path launcher;

    @Option(
            names = "--home",
            required = true,
            paramLabel = "DIR",
            description = "the Hearth directory (examples/data, var/)")
    Path home;

    @Option(
            names = "--conf",
            required = true,
            paramLabel = "DIR",
            description = "configuration directory (quickstart.properties)")
    Path conf;

    /** A digit of the data file: its label and its 784 pixels. */
    record Digit(String label, float[] pixels) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        Path work = home.resolve("var/quickstart");
        Path store = work.resolve("store");
        Path data = home.resolve("examples/data/mnist-10k.csv.gz");
        Files.createDirectories(work);

        say(out, "== 1/3 train: 784-256-10 network on 10,000 MNIST digits, local Spark, parameter averaging");
        int before = latestVersion(openStore(store));
        int trained = LauncherProcess.run(
                launcher,
                List.of(
                        "train",
                        "--config",
                        conf.resolve("quickstart.properties").toString(),
                        "--data",
                        data.toString(),
                        "--store",
                        store.toString()));
        if (trained != 0) {
            spec.commandLine().getErr().println("hearth quickstart: training failed (exit code " + trained + ")");
            return trained;
        }
        double accuracy = publishedAccuracy(openStore(store), before);

        Path tokens = work.resolve("tokens");
        say(out, "== 2/3 serve: the latest '" + MODEL + "' version on a free port (bearer token in " + tokens + ")");
        Files.deleteIfExists(tokens);
        String token = TokenFile.create(tokens, List.of("predict:" + MODEL));
        Path serverOut = work.resolve("server.out");
        Path serverLog = work.resolve("server.log");
        LauncherProcess server = LauncherProcess.start(
                launcher,
                List.of(
                        "serve",
                        "--store",
                        store.toString(),
                        "--port",
                        "0",
                        "--set",
                        "serving.models=" + MODEL,
                        "--set",
                        "auth.tokens.file=" + tokens,
                        "--set",
                        "server.drain.ms=0"),
                serverOut,
                serverLog);
        Thread stopOnExit = new Thread(() -> stopQuietly(server));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            String url;
            try {
                url = server.awaitLine(serverOut, LISTENING, START_TIMEOUT);
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println(tail(serverLog));
                spec.commandLine()
                        .getErr()
                        .println("hearth quickstart: the server did not start: " + e.getMessage() + " (see " + serverLog
                                + ")");
                return 1;
            }
            InferenceClient client =
                    InferenceClient.builder(url).optToken(token).build();
            awaitReady(client, server);

            say(out, "== 3/3 predict: POST " + url + "/v2/models/" + MODEL + "/infer");
            Digit digit = lastDigit(data);
            InferResponse response = client.infer(MODEL, InferRequest.ofRows(MODEL, digit.pixels()));
            String predicted = response.output("label").strings().get(0);
            String shown = describe(response);
            say(out, "response: " + shown.substring(0, Math.min(shown.length(), RESPONSE_CHARS)));
            say(out, "");
            say(out, "prediction: digit " + predicted + " (true label " + digit.label() + ")");
            say(
                    out,
                    "test accuracy: " + String.format(Locale.ROOT, "%.4f", accuracy)
                            + " (held-out split of the 10,000 digits)");
        } finally {
            server.stop(Duration.ofSeconds(30));
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        say(out, "server stopped; quickstart finished in " + seconds + " s; store: " + store);
        return 0;
    }

    private static void say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    private static ModelStore openStore(Path store) {
        return HadoopModelStore.open(store.toString(), HadoopConfigurations.load());
    }

    /** The newest version of the quickstart model, 0 when there is none. */
    static int latestVersion(ModelStore store) {
        if (!store.listModels().contains(MODEL)) {
            return 0;
        }
        return store.listVersions(MODEL).stream()
                .mapToInt(ModelVersion::version)
                .max()
                .orElse(0);
    }

    /**
     * The test accuracy in the {@link EvaluationFile} of the version training just published (newer than
     * {@code before}).
     *
     * @throws IllegalStateException no newer version, or its evaluation has no accuracy
     */
    static double publishedAccuracy(ModelStore store, int before) {
        int latest = latestVersion(store);
        if (latest <= before) {
            throw new IllegalStateException("training exited 0 but published no new version of '" + MODEL + "' in "
                    + store.root() + " (latest: " + latest + ")");
        }
        ModelVersion v = store.listVersions(MODEL).stream()
                .filter(x -> x.version() == latest)
                .findFirst()
                .orElseThrow();
        Double accuracy = EvaluationFile.read(store, v).metrics().get("accuracy");
        if (accuracy == null) {
            throw new IllegalStateException(EvaluationFile.FILE + " of " + v.ref() + " has no 'accuracy' metric");
        }
        return accuracy;
    }

    /** The last row of the gzipped CSV (label first, then the pixels). */
    static Digit lastDigit(Path gz) throws IOException {
        String last = null;
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    last = line;
                }
            }
        }
        int comma = last == null ? -1 : last.indexOf(',');
        if (comma < 0) {
            throw new IllegalArgumentException(gz + " has no row of a label and pixels");
        }
        return new Digit(last.substring(0, comma).strip(), InferRequest.csvRow(last.substring(comma + 1)));
    }

    /** One line of what the server answered: model, version, id and every output's values. */
    static String describe(InferResponse r) {
        StringBuilder b = new StringBuilder(r.modelName() + "/" + r.modelVersion() + " id=" + r.id());
        for (InferResponse.Output o : r.outputs()) {
            b.append(' ')
                    .append(o.name())
                    .append(' ')
                    .append(o.datatype())
                    .append(Arrays.toString(o.shape()))
                    .append('=')
                    .append(o.data());
        }
        return b.toString();
    }

    private static void awaitReady(InferenceClient client, LauncherProcess server) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!client.ready()) {
            if (!server.alive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the server at " + client.baseUrl() + " did not become ready within "
                        + START_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(250);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void stopQuietly(LauncherProcess server) {
        try {
            server.stop(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command line, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new QuickstartCommand());
    }

    /** Runs the quickstart and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
