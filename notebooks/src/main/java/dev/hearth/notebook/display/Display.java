package dev.hearth.notebook.display;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/** Shows values in the running notebook; every cell has {@code import static ...Display.*}. */
public final class Display {
    private Display() {}

    /**
     * Shows {@code value} as an output of the current cell now (PNG, HTML or text), not only at the cell's end. Outside
     * a kernel (plain Java, tests) it prints the value's text form.
     */
    public static void display(Object value) {
        BaseKernel kernel = BaseKernel.notebookKernel();
        if (kernel == null) {
            System.out.println(value);
            return;
        }
        kernel.display(value instanceof DisplayData d ? d : kernel.getRenderer().render(value));
    }

    /** A PNG image of {@code bytes}. */
    public static Png png(byte[] bytes) {
        return new Png(bytes);
    }

    /** An HTML fragment. */
    public static Html html(String html) {
        return new Html(html);
    }
}
