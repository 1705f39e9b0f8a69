package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.Signature;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The try-it page: pick a served model the viewer may predict with, paste a CSV row (or draw a digit for a model with
 * 28×28 = 784 inputs), and the page's module sends an OIP v2 request to the server's own
 * {@code /v2/models/{m}/infer}, authenticated by the session and its CSRF header, and lists the top classes.
 */
final class TryItPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelStore store;
    private final ServedModels served;

    TryItPage(ModelStore store, ServedModels served) {
        this.store = store;
        this.served = served;
    }

    String render(Viewer viewer, String selected) {
        StringBuilder b = new StringBuilder(8 * 1024);
        Map<String, Integer> now = served.served();
        b.append("<form id=\"try\" data-csrf=\"")
                .append(esc(viewer.csrf()))
                .append("\"><label>Model <select id=\"try-model\" name=\"model\">");
        int options = 0;
        for (Map.Entry<String, Integer> m : now.entrySet()) {
            if (!viewer.canPredict(m.getKey()) || m.getValue() == 0) {
                continue;
            }
            Signature s;
            try {
                s = store.resolve(new ModelRef(m.getKey(), m.getValue()))
                        .metadata()
                        .signature();
            } catch (ModelNotFoundException e) {
                continue;
            }
            if (s == null) {
                continue;
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("input", s.inputName());
            info.put("features", s.featureCount());
            info.put(
                    "featureNames",
                    s.featureNames().size() > 32 ? s.featureNames().subList(0, 32) : s.featureNames());
            info.put("labels", s.labelNames());
            info.put("task", s.task());
            b.append("<option value=\"")
                    .append(esc(m.getKey()))
                    .append("\" data-signature=\"")
                    .append(esc(json(info)))
                    .append("\"")
                    .append(m.getKey().equals(selected) ? " selected" : "")
                    .append(">")
                    .append(esc(m.getKey()))
                    .append(" (version ")
                    .append(m.getValue())
                    .append(")</option>");
            options++;
        }
        b.append("</select></label>");
        if (options == 0) {
            b.append("<p class=\"muted\" id=\"try-none\">No served model this token may predict with"
                    + (now.isEmpty() ? " (no model server behind this console)" : "") + ".</p>");
        }
        b.append("<p id=\"try-features\" class=\"muted\"></p>")
                .append(
                        "<label class=\"block\">CSV row (raw features, comma-separated)<textarea id=\"try-csv\" rows=\"3\" ")
                .append("spellcheck=\"false\"></textarea></label>")
                .append("<div id=\"draw\" hidden><p>…or draw a digit (28×28 models):</p><canvas id=\"try-canvas\" ")
                .append(
                        "width=\"280\" height=\"280\"></canvas><button type=\"button\" id=\"try-clear\">Clear</button></div>")
                .append("<p><button type=\"submit\" id=\"try-send\">Predict</button></p></form>")
                .append("<p id=\"try-error\" class=\"error\" role=\"alert\"></p><ol id=\"try-result\"></ol>");
        return Html.page("Try it", viewer, b.toString(), "tryit.js");
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
