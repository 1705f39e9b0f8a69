package dev.hearth.serving.auth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth tokens}: create, list and revoke the server's bearer tokens. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Manage the model server's bearer tokens (stored as salted hashes).",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
public final class TokensCommand {
    static final String DEFAULT_FILE = System.getProperty("user.home") + "/.hearth/tokens";

    /** {@code tokens create}: prints a new token once. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it (it is shown only this once).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--file", description = "token file (default: ~/.hearth/tokens, as auth.tokens.file)")
        Path file = Path.of(DEFAULT_FILE);

        @Option(names = "--scope", required = true,
                description = "predict:<model|*>, read:<model|*> or manage (repeatable)")
        List<String> scopes = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println(TokenFile.create(file, scopes));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code tokens list}: ids and scopes, never tokens. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List token ids and scopes.")
    static final class ListTokens implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--file", description = "token file")
        Path file = Path.of(DEFAULT_FILE);

        @Override
        public Integer call() {
            for (TokenFile.Entry e : TokenFile.read(file).entries()) {
                spec.commandLine().getOut().println(e.id() + "\t" + String.join(",", e.scopes()) + "\t" + e.created());
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code tokens revoke ID}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Remove a token by id.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--file", description = "token file")
        Path file = Path.of(DEFAULT_FILE);

        @Parameters(paramLabel = "ID", description = "token id (the part after hearth_, see tokens list)")
        String id;

        @Override
        public Integer call() throws Exception {
            if (!TokenFile.revoke(file, id)) {
                spec.commandLine().getErr().println("error: no token with id " + id + " in " + file);
                return 1;
            }
            return 0;
        }
    }

    /** The command line with its error handling, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TokensCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                line.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
