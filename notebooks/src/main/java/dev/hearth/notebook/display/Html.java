package dev.hearth.notebook.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayDataRenderable;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;

/**
 * An HTML fragment with a plain-text fallback; a cell ending in one shows it.
 *
 * @param html the fragment (already escaped)
 * @param text what text-only front ends show
 */
public record Html(String html, String text) implements DisplayDataRenderable {
    /** An HTML fragment whose text form is the fragment itself. */
    public Html(String html) {
        this(html, html);
    }

    /** Escapes {@code &}, {@code <}, {@code >} and quotes. */
    public static String escape(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    public void render(RenderContext context) {
        context.getOutputContainer().putHTML(html);
        context.getOutputContainer().putText(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
