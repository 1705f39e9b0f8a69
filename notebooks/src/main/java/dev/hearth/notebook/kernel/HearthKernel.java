package dev.hearth.notebook.kernel;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hearth's Jupyter kernel: JJava's protocol library for the wire, JShell in this JVM for Java. The kernel JVM's
 * classpath (Hearth's modules, Spark, DL4J) is the notebook's classpath; {@code %classpath add PATH} extends it.
 *
 * <p>Usage (what kernel.json runs): {@code java @conf/jvm17.args -cp CLASSPATH dev.hearth.notebook.kernel.HearthKernel
 * CONNECTION_FILE}.
 */
public final class HearthKernel extends BaseKernel {
    private static final Logger LOG = LoggerFactory.getLogger(HearthKernel.class);

    /** Imports every cell sees. */
    static final List<String> STARTUP = List.of(
            "import java.util.*;",
            "import java.util.stream.*;",
            "import java.nio.file.*;",
            "import java.time.*;",
            "import static dev.hearth.notebook.display.Display.*;");

    private final JShellEvaluator evaluator;

    private HearthKernel(
            String name,
            String version,
            JupyterIO io,
            CommManager comms,
            Renderer renderer,
            MagicParser magics,
            MagicsRegistry registry,
            StringStyler errors,
            JShellEvaluator evaluator) {
        super(
                name,
                version,
                new LanguageInfo(
                        "java",
                        Runtime.version().toString(),
                        "text/x-java-source",
                        ".jshell",
                        "java",
                        "java",
                        "script"),
                List.of(),
                null,
                io,
                comms,
                renderer,
                magics,
                registry,
                false,
                errors);
        this.evaluator = evaluator;
    }

    /** A kernel whose JShell sees this JVM's classpath and the {@link #STARTUP} imports. */
    public static HearthKernel create() {
        return new Builder().build();
    }

    @Override
    public String getBanner() {
        return "Hearth Java kernel (JShell " + Runtime.version() + ")";
    }

    @Override
    public Object evalRaw(String code) {
        StringBuilder java = new StringBuilder();
        List<String> lines = code.lines().toList();
        int i = 0;
        // Magics: leading lines starting with '%'.
        for (; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("%")) {
                Object out = magic(line.substring(1).strip());
                if (out != null) {
                    getIO().out.println(out);
                }
            } else if (!line.isEmpty()) {
                break;
            }
        }
        for (; i < lines.size(); i++) {
            java.append(lines.get(i)).append('\n');
        }
        return evaluator.eval(java.toString());
    }

    /** {@code classpath} lists the classpath; {@code classpath add P...} adds jars, directories or {@code dir/*}. */
    private Object magic(String line) {
        List<String> words = List.of(line.split("\\s+"));
        if (!words.get(0).equals("classpath")) {
            throw new CellException(
                    "UndefinedMagic",
                    "unknown magic %" + words.get(0),
                    List.of("unknown magic %" + words.get(0) + "; supported: %classpath [add PATH...]"));
        }
        if (words.size() == 1) {
            return String.join("\n", evaluator.classpath());
        }
        if (!words.get(1).equals("add") || words.size() < 3) {
            throw new CellException(
                    "MagicError",
                    "usage: %classpath add PATH...",
                    List.of("usage: %classpath add PATH... (a jar, a class directory, or dir/* for its jars)"));
        }
        List<String> added = new ArrayList<>();
        for (String p : words.subList(2, words.size())) {
            added.addAll(expand(p));
        }
        evaluator.addToClasspath(String.join(File.pathSeparator, added));
        return "added to classpath: " + String.join(", ", added);
    }

    private static List<String> expand(String p) {
        if (p.endsWith("/*")) {
            Path dir = Path.of(p.substring(0, p.length() - 2)).toAbsolutePath();
            try (var files = Files.list(dir)) {
                return files.filter(f -> f.toString().endsWith(".jar"))
                        .map(Path::toString)
                        .sorted()
                        .toList();
            } catch (java.io.IOException e) {
                throw new CellException("MagicError", "cannot list " + dir, List.of("cannot list " + dir + ": " + e));
            }
        }
        Path path = Path.of(p).toAbsolutePath();
        if (!Files.exists(path)) {
            throw new CellException("MagicError", "no such file " + path, List.of("%classpath: no such file " + path));
        }
        return List.of(path.toString());
    }

    @Override
    public List<String> formatError(Throwable e) {
        if (e instanceof CellException c) {
            List<String> out = new ArrayList<>();
            out.add(errorStyler.primary(c.name()));
            c.lines().forEach(l -> out.add(errorStyler.secondary(l)));
            return out;
        }
        return super.formatError(e);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return null;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<String> options = evaluator.complete(code, at, anchor);
        return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        SourceCodeAnalysis.Completeness c = evaluator.completeness(code);
        if (c.isComplete() || c == SourceCodeAnalysis.Completeness.EMPTY) {
            return IS_COMPLETE_YES;
        }
        return c == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE ? "    " : IS_COMPLETE_BAD;
    }

    @Override
    public void interrupt() {
        evaluator.stop();
    }

    @Override
    public void onShutdown(boolean restart) {
        super.onShutdown(restart);
        evaluator.close();
    }

    /** Connects to Jupyter with the connection file and serves requests until shut down. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: HearthKernel CONNECTION_FILE");
            System.exit(2);
        }
        // Initialise logging before cells swap System.err for the notebook's stream: logs go to the kernel's stderr.
        LOG.info("Hearth kernel starting with connection file {}", args[0]);
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection connection = new JupyterConnection(props);
        HearthKernel kernel = create();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        kernel.onStartup();
        connection.waitUntilClose();
        LOG.info("Hearth kernel stopped");
        // Spark, ND4J and Javalin leave non-daemon threads behind that would keep the kernel alive.
        System.exit(0);
    }

    /** Uses the protocol library's defaults for IO, comms, rendering and error styling. */
    private static final class Builder extends BaseKernelBuilder<Builder, HearthKernel> {
        @Override
        public HearthKernel build() {
            name("hearth");
            version("0.1.0");
            return new HearthKernel(
                    buildName(),
                    buildVersion(),
                    buildJupyterIO(StandardCharsets.UTF_8),
                    buildCommManager(),
                    buildRenderer(),
                    new MagicParser("(?<=(?:^|=))\\s*%", "%%", buildMagicTranspiler()),
                    buildMagicsRegistry(),
                    buildErrorStyler(),
                    new JShellEvaluator(System.getProperty("java.class.path"), STARTUP));
        }
    }
}
