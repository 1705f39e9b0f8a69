package dev.hearth.store.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.IntegrityException;
import dev.hearth.store.InvalidNameException;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hearth models}: list models and versions and show a version's metadata. Tables for people, {@code --json}
 * for scripts. Exit codes: 0 ok, 1 not found, 2 usage error, 4 integrity failure.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Inspect the Hearth model store.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Versions.class, ModelsCommand.Show.class})
public final class ModelsCommand implements Runnable {
    /** Exit code when a model, version or file does not exist. */
    public static final int NOT_FOUND = 1;
    /** Exit code for invalid arguments. */
    public static final int USAGE = 2;
    /** Exit code when stored bytes fail their checksum. */
    public static final int INTEGRITY = 4;

    @Option(names = "--store", description = "store root: local path or Hadoop URI (default: ${DEFAULT-VALUE})",
            defaultValue = "${sys:user.home}/.hearth/store", scope = CommandLine.ScopeType.INHERIT)
    String storeRoot;

    @Option(names = "--json", description = "print JSON instead of a table", scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final MetadataJson metadataJson = new MetadataJson();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    ModelStore store() {
        return HadoopModelStore.open(storeRoot, new Configuration());
    }

    void print(Object value, String table) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                ObjectMapper m = metadataJson.mapper();
                out.println(m.writeValueAsString(value));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.print(table);
        }
        out.flush();
    }

    /** {@code models list}. */
    @Command(name = "list", description = "List models with their latest version.")
    static final class ListModels implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Override
        public Integer call() {
            ModelStore store = parent.store();
            List<Map<String, Object>> rows = new ArrayList<>();
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-32s %8s %8s%n", "MODEL", "VERSIONS", "LATEST"));
            for (String name : store.listModels()) {
                List<ModelVersion> versions = store.listVersions(name);
                int latest = versions.get(versions.size() - 1).version();
                rows.add(Map.of("name", name, "versions", versions.size(), "latest", latest));
                table.append(String.format(Locale.ROOT, "%-32s %8d %8d%n", name, versions.size(), latest));
            }
            parent.print(rows, table.toString());
            return 0;
        }
    }

    /** {@code models versions NAME}. */
    @Command(name = "versions", description = "List a model's versions with key metrics.")
    static final class Versions implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Parameters(paramLabel = "NAME", description = "model name")
        String name;

        @Override
        public Integer call() {
            List<ModelVersion> versions = parent.store().listVersions(name);
            if (versions.isEmpty()) {
                throw new ModelNotFoundException("model '" + name + "' has no committed version");
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-8s %-25s %-10s %-10s %s%n",
                    "VERSION", "CREATED", "ACCURACY", "F1", "CREATOR"));
            for (ModelVersion v : versions) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("version", v.version());
                row.put("createdAt", v.metadata().createdAt());
                row.put("creator", v.metadata().creator());
                row.put("metrics", v.metadata().metrics());
                rows.add(row);
                table.append(String.format(Locale.ROOT, "%-8d %-25s %-10s %-10s %s%n", v.version(),
                        v.metadata().createdAt(), metric(v, "accuracy"), metric(v, "f1"), v.metadata().creator()));
            }
            parent.print(rows, table.toString());
            return 0;
        }

        private static String metric(ModelVersion v, String key) {
            Double d = v.metadata().metrics().get(key);
            return d == null ? "-" : String.format(Locale.ROOT, "%.4f", d);
        }
    }

    /** {@code models show REF}. */
    @Command(name = "show", description = "Show one version's full metadata (REF: name, name/N).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Parameters(paramLabel = "REF", description = "model reference: name (latest) or name/N")
        String ref;

        @Override
        public Integer call() throws Exception {
            ModelVersion v = parent.store().resolve(ModelRef.parse(ref));
            String pretty = new String(parent.metadataJson.write(v.metadata()), java.nio.charset.StandardCharsets.UTF_8);
            parent.print(v.metadata(), "location: " + v.location() + "\n" + pretty + "\n");
            return 0;
        }
    }

    /** The command line with the store's exit codes. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ModelsCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + e.getMessage());
            if (e instanceof ModelNotFoundException) {
                return NOT_FOUND;
            }
            if (e instanceof IntegrityException) {
                return INTEGRITY;
            }
            if (e instanceof InvalidNameException || e instanceof IllegalArgumentException) {
                return USAGE;
            }
            throw e;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
