package dev.hearth.runtime.cli;

import dev.hearth.runtime.onnx.ModelRefusedException;
import dev.hearth.runtime.onnx.OnnxModelException;
import dev.hearth.store.cli.ModelsCommand;
import picocli.CommandLine;

/**
 * {@code hearth models}: the store's command line ({@link ModelsCommand}) plus {@code import} and {@code export},
 * which need the model runtime. Exit codes are the store's, and {@value #MODEL_REFUSED} when a model file is
 * refused (truncated, not ONNX, too new an opset, an unsupported operator or element type, a failed probe).
 */
public final class ModelsMain {
    /** Exit code when a model file cannot be imported or a model cannot be exported. */
    public static final int MODEL_REFUSED = 6;

    private ModelsMain() {}

    /** The store's command line with the runtime's subcommands added. */
    public static CommandLine commandLine() {
        CommandLine cl = ModelsCommand.commandLine();
        cl.addSubcommand(new ImportCommand());
        cl.addSubcommand(new ExportCommand());
        CommandLine.IExecutionExceptionHandler store = cl.getExecutionExceptionHandler();
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof OnnxModelException || e instanceof ModelRefusedException) {
                line.getErr().println("error: " + e.getMessage());
                line.getErr().flush();
                return MODEL_REFUSED;
            }
            return store.handleExecutionException(e, line, parsed);
        });
        return cl;
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
