package dev.hearth.notebook.kernel;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * Evaluates cells with JShell running in this JVM ({@code executionEngine("local")}), so snippets see the kernel's
 * classpath and static state (display, Spark's singletons) and their results are real objects, not strings.
 */
final class JShellEvaluator implements AutoCloseable {
    private static final String SLOT = ResultSlot.class.getName();

    private final JShell shell;
    private final List<String> classpath = new ArrayList<>();

    JShellEvaluator(String classpath, List<String> startup) {
        this.shell = JShell.builder().executionEngine("local").build();
        addToClasspath(classpath);
        for (String s : startup) {
            eval(s);
        }
    }

    /** Adds entries (separated by the platform's path separator) to the compiler and the class loader. */
    void addToClasspath(String path) {
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                shell.addToClasspath(entry);
                classpath.add(entry);
            }
        }
    }

    List<String> classpath() {
        return List.copyOf(classpath);
    }

    /**
     * Runs every snippet of {@code code} in order; stops at the first that fails to compile or throws.
     *
     * @return the value of the last snippet if it is an expression, else null
     */
    Object eval(String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = code;
        Object last = null;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            String source;
            if (info.completeness().isComplete()) {
                source = info.source();
                remaining = info.remaining();
            } else {
                // Let the compiler report what is missing.
                source = remaining;
                remaining = "";
            }
            last = evalSnippet(source);
        }
        return last;
    }

    private Object evalSnippet(String source) {
        Object value = null;
        for (SnippetEvent event : shell.eval(source)) {
            if (event.causeSnippet() != null) {
                continue; // a dependent snippet re-evaluated because of this one
            }
            Snippet snippet = event.snippet();
            if (event.status() == Snippet.Status.REJECTED) {
                throw compileError(snippet, source);
            }
            if (event.exception() != null) {
                throw runtimeError(event.exception());
            }
            if (event.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                List<String> missing = snippet instanceof jdk.jshell.DeclarationSnippet d
                        ? shell.unresolvedDependencies(d).collect(Collectors.toList())
                        : List.of();
                CellException cell = new CellException(
                        "CompilationError",
                        "cannot find symbol " + missing,
                        List.of("cannot find symbol: " + String.join(", ", missing), source.strip()));
                cell.setStackTrace(new StackTraceElement[0]);
                throw cell;
            }
            value = valueOf(snippet);
        }
        return value;
    }

    /** The object of an expression snippet, fetched through {@link ResultSlot}; null for statements and declarations. */
    private Object valueOf(Snippet snippet) {
        String name = null;
        if (snippet instanceof VarSnippet v && snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
            name = v.name();
        } else if (snippet instanceof ExpressionSnippet e && snippet.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND) {
            name = e.name();
        }
        if (name == null) {
            return null;
        }
        for (SnippetEvent event : shell.eval(SLOT + ".put(" + name + ");")) {
            if (event.status() == Snippet.Status.REJECTED || event.exception() != null) {
                return null;
            }
        }
        return ResultSlot.take();
    }

    private CellException compileError(Snippet snippet, String source) {
        List<String> lines = new ArrayList<>();
        String message = "compilation failed";
        for (Diag d : shell.diagnostics(snippet).collect(Collectors.toList())) {
            String text = d.getMessage(Locale.ROOT);
            if (lines.isEmpty()) {
                message = text;
            }
            lines.add((d.isError() ? "error: " : "warning: ") + text);
            lines.addAll(pointer(source, (int) d.getStartPosition(), (int) d.getEndPosition()));
        }
        CellException cell = new CellException("CompilationError", message + "\n" + String.join("\n", lines), lines);
        cell.setStackTrace(new StackTraceElement[0]);
        return cell;
    }

    /** The source line of a diagnostic with a caret under the offending span. */
    private static List<String> pointer(String source, int start, int end) {
        if (start < 0 || start > source.length()) {
            return List.of();
        }
        int lineStart = source.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
        if (start == 0) {
            lineStart = 0;
        }
        int lineEnd = source.indexOf('\n', start);
        String line = source.substring(lineStart, lineEnd < 0 ? source.length() : lineEnd);
        int width = Math.max(1, Math.min(end, lineStart + line.length()) - start);
        return List.of("    " + line, "    " + " ".repeat(start - lineStart) + "^".repeat(width));
    }

    private static CellException runtimeError(JShellException e) {
        String name = e instanceof EvalException ee
                ? ee.getExceptionClassName()
                : e instanceof UnresolvedReferenceException
                        ? "UnresolvedReference"
                        : e.getClass().getName();
        List<String> lines = new ArrayList<>();
        Throwable t = e;
        String prefix = "";
        while (t != null) {
            String cls = t instanceof EvalException ee
                    ? ee.getExceptionClassName()
                    : t.getClass().getName();
            lines.add(prefix + cls + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().startsWith("jdk.jshell.")
                        || frame.getClassName().startsWith("jdk.internal.")
                        || frame.getClassName().startsWith("java.lang.reflect.")) {
                    continue;
                }
                lines.add("    at " + frame);
            }
            t = t.getCause();
            prefix = "Caused by: ";
        }
        CellException cell =
                new CellException(name, name + (e.getMessage() == null ? "" : ": " + e.getMessage()), lines);
        // Jupyter's execute reply carries the exception's own frames: make them the user's, not the kernel's.
        cell.setStackTrace(java.util.Arrays.stream(e.getStackTrace())
                .filter(f -> !f.getClassName().startsWith("jdk."))
                .toArray(StackTraceElement[]::new));
        return cell;
    }

    /** Code completion: candidate texts and the replaced range. */
    List<String> complete(String code, int at, int[] anchor) {
        return shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .distinct()
                .collect(Collectors.toList());
    }

    /** Whether {@code code} is a complete set of snippets. */
    SourceCodeAnalysis.Completeness completeness(String code) {
        SourceCodeAnalysis.Completeness last = SourceCodeAnalysis.Completeness.EMPTY;
        String remaining = code;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(remaining);
            last = info.completeness();
            if (!last.isComplete()) {
                return last;
            }
            remaining = info.remaining();
        }
        return last;
    }

    /** Interrupts the running snippet. */
    void stop() {
        shell.stop();
    }

    @Override
    public void close() {
        shell.close();
    }
}
