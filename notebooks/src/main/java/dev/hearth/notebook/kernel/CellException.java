package dev.hearth.notebook.kernel;

import java.util.List;

/** A cell that did not compile or could not run; {@link #lines()} is what the notebook shows. */
public final class CellException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final List<String> lines;

    CellException(String name, String message, List<String> lines) {
        super(message);
        this.name = name;
        this.lines = List.copyOf(lines);
    }

    /** The error's name shown by Jupyter, e.g. {@code CompilationError} or the thrown exception's class. */
    public String name() {
        return name;
    }

    /** Diagnostics or stack trace, one entry per line. */
    public List<String> lines() {
        return lines;
    }
}
