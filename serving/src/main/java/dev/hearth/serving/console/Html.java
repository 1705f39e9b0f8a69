package dev.hearth.serving.console;

import java.util.Locale;

/**
 * HTML text building: every value that came from the store, the network or a token goes through {@link #esc}, so a
 * tag value such as {@code <img src=x onerror=alert(1)>} renders as text. Pages never carry inline script or
 * inline style (the Content-Security-Policy refuses both).
 */
final class Html {
    private Html() {}

    /** Escapes text for element content and for double-quoted attribute values. */
    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (r != null) {
                    b.append(r);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /** Percent-encodes one URL path segment or query value (model and alias names are already restricted). */
    static String url(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A metric value for a table: 4 decimals, or empty when absent. */
    static String num(Double value) {
        if (value == null) {
            return "";
        }
        if (value.isNaN() || value.isInfinite()) {
            return value.toString();
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** A byte count with a binary unit. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }

    /** The hidden CSRF field every state-changing form carries. */
    static String csrfField(Viewer viewer) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(viewer.csrf()) + "\">";
    }

    /**
     * A whole page: head with the bundled stylesheet and modules, the navigation, the signed-in token's id and a
     * sign-out form, then {@code body} (already escaped HTML).
     *
     * @param modules file names under {@code /console/static/} loaded as ES modules
     */
    static String page(String title, Viewer viewer, String body, String... modules) {
        StringBuilder b = new StringBuilder(body.length() + 2048);
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>")
                .append(esc(title))
                .append(" · Hearth</title>")
                .append("<link rel=\"stylesheet\" href=\"/console/static/console.css\">")
                .append("<link rel=\"icon\" href=\"/console/static/favicon.svg\" type=\"image/svg+xml\">");
        for (String m : modules) {
            b.append("<script type=\"module\" src=\"/console/static/")
                    .append(esc(m))
                    .append("\"></script>");
        }
        b.append("</head><body><header><nav><a class=\"brand\" href=\"/console/\">Hearth</a>")
                .append("<a href=\"/console/models\">Models</a>")
                .append("<a href=\"/console/service\">Service</a>")
                .append("<a href=\"/console/try\">Try it</a>")
                .append("<a href=\"/console/audit\">Audit log</a></nav>");
        if (viewer != null) {
            b.append("<form class=\"who\" method=\"post\" action=\"/console/signout\">")
                    .append("<span id=\"who\">token ")
                    .append(esc(viewer.tokenId()))
                    .append(viewer.canManage() ? " (manage)" : "")
                    .append("</span>")
                    .append(csrfField(viewer))
                    .append("<button type=\"submit\">Sign out</button></form>");
        }
        b.append("</header><main><h1>")
                .append(esc(title))
                .append("</h1>")
                .append(body)
                .append("</main></body></html>");
        return b.toString();
    }
}
