package dev.hearth.serving.console;

import static dev.hearth.serving.console.Html.esc;
import static dev.hearth.serving.console.Html.url;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.FileEntry;
import dev.hearth.store.ModelMetadata;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.Signature;
import java.util.Map;
import java.util.TreeSet;

/**
 * A version's page: headline and all metrics, the per-class precision/recall/F1/support table, the stored
 * learning-curve and confusion-matrix images (served through {@link ModelStore#readFile}, so their SHA-256 is
 * checked), provenance, signature, the retrain gate's decision and reasons, console tags, and every file with its
 * SHA-256, re-verified on each view.
 */
final class VersionPage {
    /** Images a version may carry that the page shows; the only files the console serves. */
    static final java.util.List<String> IMAGES = java.util.List.of("learning-curve.png", "confusion-matrix.png");

    private final ModelStore store;
    private final Verifications verifications;

    VersionPage(ModelStore store, Verifications verifications) {
        this.store = store;
        this.verifications = verifications;
    }

    String render(Viewer viewer, String name, int version) {
        ModelVersion v = store.resolve(new ModelRef(name, version));
        ModelMetadata md = v.metadata();
        StringBuilder b = new StringBuilder(32 * 1024);
        header(b, name, md, verifications.verify(v));
        metrics(b, md.metrics());
        images(b, name, version, md);
        retrainGate(b, md);
        tags(b, name, version, md);
        provenanceAndTraining(b, md);
        signature(b, md.signature());
        files(b, md);
        return Html.page(name + " version " + version, viewer, b.toString());
    }

    /** Back link, creation, framework and the integrity check. */
    private static void header(StringBuilder b, String name, ModelMetadata md, String check) {
        b.append("<p><a href=\"/console/models/")
                .append(url(name))
                .append("\">← ")
                .append(esc(name))
                .append("</a> · created ")
                .append(esc(md.createdAt()))
                .append(" by ")
                .append(esc(md.creator()))
                .append(" · ")
                .append(esc(md.framework()))
                .append(" · SHA-256 <span id=\"integrity\" class=\"")
                .append(check.startsWith("MISMATCH") ? "bad" : "ok")
                .append("\">")
                .append(esc(check))
                .append("</span></p>");
    }

    /** Overall metrics, and precision, recall, F1 and support per class when there are any. */
    private static void metrics(StringBuilder b, Map<String, Double> metrics) {
        b.append("<h2>Metrics</h2>");
        TreeSet<String> classes = new TreeSet<>();
        StringBuilder overall = new StringBuilder();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            String k = e.getKey();
            int dot = k.indexOf('.');
            String head = dot < 0 ? k : k.substring(0, dot);
            if (dot > 0
                    && (head.equals("precision")
                            || head.equals("recall")
                            || head.equals("f1")
                            || head.equals("support"))) {
                classes.add(k.substring(dot + 1));
            } else {
                overall.append("<tr><th>")
                        .append(esc(k))
                        .append("</th><td>")
                        .append(Html.num(e.getValue()))
                        .append("</td></tr>");
            }
        }
        b.append("<table id=\"metrics\"><tbody>").append(overall).append("</tbody></table>");
        if (!classes.isEmpty()) {
            b.append("<h3>Per class</h3><div class=\"scroll\"><table id=\"per-class\"><thead><tr><th>class</th>")
                    .append("<th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>");
            for (String c : classes) {
                b.append("<tr><td>")
                        .append(esc(c))
                        .append("</td><td>")
                        .append(Html.num(metrics.get("precision." + c)))
                        .append("</td><td>")
                        .append(Html.num(metrics.get("recall." + c)))
                        .append("</td><td>")
                        .append(Html.num(metrics.get("f1." + c)))
                        .append("</td><td>")
                        .append(
                                metrics.containsKey("support." + c)
                                        ? String.valueOf(Math.round(metrics.get("support." + c)))
                                        : "")
                        .append("</td></tr>");
            }
            b.append("</tbody></table></div>");
        }
    }

    /** The stored charts (learning curve, confusion matrix) the version has. */
    private static void images(StringBuilder b, String name, int version, ModelMetadata md) {
        b.append("<div class=\"images\">");
        for (String img : IMAGES) {
            if (md.files().containsKey(img)) {
                b.append("<figure><img id=\"")
                        .append(img.replace(".png", ""))
                        .append("\" alt=\"")
                        .append(img)
                        .append("\" src=\"/console/models/")
                        .append(url(name))
                        .append("/versions/")
                        .append(version)
                        .append("/files/")
                        .append(img)
                        .append("\"><figcaption>")
                        .append(img)
                        .append("</figcaption></figure>");
            }
        }
        b.append("</div>");
    }

    /** The retrain gate's decision, reasons and checks, for a version a retrain published. */
    private static void retrainGate(StringBuilder b, ModelMetadata md) {
        String decision = md.tags().get("decision");
        if (decision != null || md.provenance().containsKey("retrain.decision")) {
            b.append("<h2>Retrain gate</h2><p id=\"decision\">decision: <strong>")
                    .append(esc(decision != null ? decision : md.provenance().get("retrain.decision")))
                    .append("</strong>")
                    .append(
                            md.provenance().containsKey("retrain.champion")
                                    ? " against champion " + esc(md.provenance().get("retrain.champion"))
                                    : "")
                    .append("</p>");
            list(b, "reasons", md.provenance().get("retrain.reasons"));
            list(b, "checks", md.provenance().get("retrain.checks"));
        }
    }

    /** The version's tags and the tags the console added (from the audit log). */
    private void tags(StringBuilder b, String name, int version, ModelMetadata md) {
        b.append("<h2>Tags</h2><table id=\"tags\"><tbody>");
        md.tags()
                .forEach((k, val) -> b.append("<tr><th>")
                        .append(esc(k))
                        .append("</th><td>")
                        .append(esc(val))
                        .append("</td></tr>"));
        for (AuditEvent e : store.auditLog(name)) {
            if (ManageActions.TAG.equals(e.action()) && e.from() != null && e.from() == version) {
                b.append("<tr><th>console tag</th><td>")
                        .append(esc(e.reason()))
                        .append(" <span class=\"muted\">(")
                        .append(esc(e.at()))
                        .append(")</span></td></tr>");
            }
        }
        b.append("</tbody></table>");
    }

    /** Provenance (without the retrain gate's entries) and the resolved training settings. */
    private static void provenanceAndTraining(StringBuilder b, ModelMetadata md) {
        b.append("<h2>Provenance</h2><div class=\"scroll\"><table id=\"provenance\"><tbody>");
        md.provenance().forEach((k, val) -> {
            if (!k.startsWith("retrain.")) {
                b.append("<tr><th>")
                        .append(esc(k))
                        .append("</th><td>")
                        .append(esc(val))
                        .append("</td></tr>");
            }
        });
        b.append(
                "</tbody></table></div><h2>Training settings</h2><div class=\"scroll\"><table id=\"training\"><tbody>");
        md.training()
                .forEach((k, val) -> b.append("<tr><th>")
                        .append(esc(k))
                        .append("</th><td>")
                        .append(esc(val))
                        .append("</td></tr>"));
        b.append("</tbody></table></div>");
    }

    /** Task, input, features, labels or targets and normalisers, when the version has a signature. */
    private static void signature(StringBuilder b, Signature s) {
        if (s != null) {
            b.append("<h2>Signature</h2><table id=\"signature\"><tbody><tr><th>task</th><td>")
                    .append(esc(s.task()))
                    .append("</td></tr><tr><th>input</th><td>")
                    .append(esc(s.inputName()))
                    .append(" ")
                    .append(esc(s.datatype()))
                    .append(" [-1, ")
                    .append(s.featureCount())
                    .append("]</td></tr>")
                    .append("<tr><th>features</th><td>")
                    .append(esc(abbreviate(String.join(", ", s.featureNames()))))
                    .append("</td></tr><tr><th>")
                    .append(s.isRegression() ? "targets" : "labels")
                    .append("</th><td>")
                    .append(esc(String.join(", ", s.isRegression() ? s.targets() : s.labelNames())))
                    .append("</td></tr><tr><th>normaliser</th><td>")
                    .append(esc(s.normalizer().kind()))
                    .append("</td></tr>");
            if (s.isRegression()) {
                b.append("<tr><th>target normaliser</th><td>")
                        .append(esc(s.targetNormalizer().kind()))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
    }

    /** Every file with its size and SHA-256. */
    private static void files(StringBuilder b, ModelMetadata md) {
        b.append(
                "<h2>Files</h2><table id=\"files\"><thead><tr><th>file</th><th>size</th><th>SHA-256</th></tr></thead><tbody>");
        for (Map.Entry<String, FileEntry> f : md.files().entrySet()) {
            b.append("<tr><td>")
                    .append(esc(f.getKey()))
                    .append("</td><td>")
                    .append(Html.bytes(f.getValue().size()))
                    .append("</td><td><code>")
                    .append(esc(f.getValue().sha256()))
                    .append("</code></td></tr>");
        }
        b.append("</tbody></table>");
    }

    private static void list(StringBuilder b, String title, Object items) {
        if (items instanceof Iterable<?> it && it.iterator().hasNext()) {
            b.append("<h3>")
                    .append(esc(title))
                    .append("</h3><ul id=\"gate-")
                    .append(esc(title))
                    .append("\">");
            for (Object o : it) {
                b.append("<li>").append(esc(o)).append("</li>");
            }
            b.append("</ul>");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }
}
