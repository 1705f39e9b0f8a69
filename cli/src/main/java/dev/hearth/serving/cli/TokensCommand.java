package dev.hearth.serving.cli;

import dev.hearth.serving.auth.TokenFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth tokens}: create, list and revoke the server's bearer tokens. */
@Command(
        name = "tokens",
        mixinStandardHelpOptions = true,
        description = "Manage the model server's bearer tokens (stored as salted hashes; a running server picks up"
                + " changes within auth.tokens.reload.ms).",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
public final class TokensCommand {
    static final String DEFAULT_FILE = System.getProperty("user.home") + "/.hearth/tokens";
    private static final Pattern LIFETIME = Pattern.compile("(\\d{1,7})([dhm])");

    /** {@code tokens create}: prints a new token once. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a token and print it (it is shown only this once).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--file", description = "token file (default: ~/.hearth/tokens, as auth.tokens.file)")
        Path file = Path.of(DEFAULT_FILE);

        @Option(
                names = "--scope",
                required = true,
                description = "predict:<model|*>, read:<model|*> or manage (repeatable)")
        List<String> scopes = new ArrayList<>();

        @Option(
                names = "--expires",
                paramLabel = "AGE",
                description = "lifetime: a number with d, h or m (e.g. 30d, 12h, 45m); default: never expires")
        String expires;

        @Override
        public Integer call() throws Exception {
            Instant until = expires == null ? null : Instant.now().plus(lifetime(expires));
            spec.commandLine().getOut().println(TokenFile.create(file, scopes, until));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** Parses {@code --expires}: a positive whole number of days, hours or minutes (at most ten years). */
    static Duration lifetime(String text) {
        Matcher m = LIFETIME.matcher(text == null ? "" : text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            };
            if (n > 0 && d.compareTo(Duration.ofDays(3650)) <= 0) {
                return d;
            }
        }
        throw new IllegalArgumentException("--expires must be a positive whole number of days, hours or minutes"
                + " up to 3650d (e.g. 30d, 12h, 45m) but was '" + text + "'");
    }

    /** {@code tokens list}: ids, scopes, creation and expiry, never tokens. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List token ids, scopes, creation time, expiry and whether each is expired.")
    static final class ListTokens implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--file", description = "token file")
        Path file = Path.of(DEFAULT_FILE);

        @Override
        public Integer call() {
            Instant now = Instant.now();
            PrintWriter out = spec.commandLine().getOut();
            out.println("ID\tSCOPES\tCREATED\tEXPIRES\tSTATE");
            for (TokenFile.Entry e : TokenFile.read(file).entries()) {
                out.println(e.id() + "\t" + String.join(",", e.scopes()) + "\t" + e.created() + "\t"
                        + (e.expires() == null ? TokenFile.NEVER : e.expires()) + "\t"
                        + (e.expiredAt(now) ? "expired" : "valid"));
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
            spec.commandLine()
                    .getOut()
                    .println("revoked " + id + " (a running server drops it within two"
                            + " auth.tokens.reload.ms intervals)");
            spec.commandLine().getOut().flush();
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
