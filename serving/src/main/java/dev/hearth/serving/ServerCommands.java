package dev.hearth.serving;

import dev.hearth.store.ModelStoreException;
import picocli.CommandLine;

/**
 * Runs the server commands' command lines ({@code serve}, {@code console}) the same way: a user error (a bad
 * setting, a store that refuses) prints one {@code error: ...} line and exits 2; anything else is a fault and
 * propagates.
 */
public final class ServerCommands {
    private ServerCommands() {}

    /** Executes {@code command} with {@code args}; returns the exit code for {@code main}. */
    public static int execute(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof ModelStoreException) {
                line.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
