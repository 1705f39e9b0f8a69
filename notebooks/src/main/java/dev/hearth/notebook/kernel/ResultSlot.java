package dev.hearth.notebook.kernel;

/**
 * Hand-over point for the value of a cell's last expression. JShell reports values only as strings; the evaluator
 * makes the snippet store the object here (snippets share the kernel's class loader) so it can be rendered as PNG or
 * HTML. Static by necessity: it is the one channel from snippet code back into the kernel. Single-threaded use only.
 */
public final class ResultSlot {
    private static Object value;

    private ResultSlot() {}

    /** Called by generated snippet code. */
    public static void put(Object v) {
        value = v;
    }

    static Object take() {
        Object v = value;
        value = null;
        return v;
    }
}
