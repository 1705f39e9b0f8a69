package dev.hearth.store.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.IntegrityException;
import dev.hearth.store.InvalidNameException;
import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.VersionConflictException;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.IOException;
import java.io.PrintWriter;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hearth models}: inspect and manage the model store. Tables for people, {@code --json} for scripts.
 * Exit codes: 0 ok, 1 not found (or another store error), 2 usage error, 3 conflict, 4 integrity failure.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Inspect and manage the Hearth model store.",
        subcommands = {
            ListCommand.class,
            VersionsCommand.class,
            ShowCommand.class,
            DiffCommand.class,
            AliasCommand.class,
            RollbackCommand.class,
            DeleteCommand.class,
            GcCommand.class,
            VerifyCommand.class,
            AuditCommand.class,
            EncryptCommand.class,
            RekeyCommand.class
        })
public final class ModelsCommand implements Runnable {
    /** Exit code when a model, version, alias or file does not exist, or the store cannot be read. */
    public static final int NOT_FOUND = 1;
    /** Exit code for invalid arguments. */
    public static final int USAGE = 2;
    /** Exit code when an alias moved meanwhile, or a version to delete is aliased or leased. */
    public static final int CONFLICT = 3;
    /** Exit code when stored bytes fail their checksum. */
    public static final int INTEGRITY = 4;
    /** Exit code when a version's master key cannot be used (no provider, missing or retired key, not allowed). */
    public static final int KEY_UNAVAILABLE = 5;

    @Option(
            names = "--store",
            description = "store root: local path or Hadoop URI (default: ${DEFAULT-VALUE})",
            defaultValue = "${sys:user.home}/.hearth/store",
            scope = CommandLine.ScopeType.INHERIT)
    String storeRoot;

    @Option(
            names = "--key-provider",
            description = "Hadoop KeyProvider URI of the master keys, as " + EncryptionSettings.KEY_PROVIDER
                    + " (default: $HEARTH_KEY_PROVIDER)",
            defaultValue = "${env:HEARTH_KEY_PROVIDER:-}",
            scope = CommandLine.ScopeType.INHERIT)
    String keyProvider;

    @Option(
            names = "--key-name",
            description = "master key for encrypt, as " + EncryptionSettings.KEY_NAME + " (default: $HEARTH_KEY_NAME)",
            defaultValue = "${env:HEARTH_KEY_NAME:-}",
            scope = CommandLine.ScopeType.INHERIT)
    String keyName;

    @Option(
            names = "--key-overrides",
            description = "per-model master keys model=key,..., as " + EncryptionSettings.KEY_OVERRIDES,
            defaultValue = "",
            scope = CommandLine.ScopeType.INHERIT)
    String keyOverrides;

    @Option(names = "--json", description = "print JSON instead of a table", scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final MetadataJson metadataJson = new MetadataJson();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The store {@code --store} names, with the key settings given (subcommands in other modules use it too). */
    public ModelStore store() {
        Configuration conf = dev.hearth.store.hadoop.HadoopConfigurations.load();
        if (keyProvider != null && !keyProvider.isEmpty()) {
            conf.set(EncryptionSettings.KEY_PROVIDER, keyProvider);
        }
        if (keyName != null && !keyName.isEmpty()) {
            conf.set(EncryptionSettings.KEY_NAME, keyName);
        }
        if (keyOverrides != null && !keyOverrides.isEmpty()) {
            conf.set(EncryptionSettings.KEY_OVERRIDES, keyOverrides);
        }
        return HadoopModelStore.open(storeRoot, conf);
    }

    /** The metadata reader and writer. */
    public MetadataJson metadataJson() {
        return metadataJson;
    }

    /** Prints {@code value} as JSON with {@code --json}, else the table text. */
    public void print(Object value, String table) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                ObjectMapper m = metadataJson.mapper();
                out.println(m.writeValueAsString(value));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.print(table);
        }
        out.flush();
    }

    /** The command line with the store's exit codes. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ModelsCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + e.getMessage());
            line.getErr().flush();
            return exitCode(e);
        });
        return cl;
    }

    /** The exit code for an exception a subcommand threw. */
    public static int exitCode(Exception e) {
        if (e instanceof IntegrityException) {
            return INTEGRITY;
        }
        if (e instanceof KeyUnavailableException) {
            return KEY_UNAVAILABLE;
        }
        if (e instanceof VersionConflictException) {
            return CONFLICT;
        }
        if (e instanceof InvalidNameException || e instanceof IllegalArgumentException) {
            return USAGE;
        }
        if (e instanceof ModelNotFoundException || e instanceof ModelStoreException) {
            return NOT_FOUND;
        }
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
