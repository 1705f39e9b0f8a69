package dev.hearth.spark.retrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The champion/challenger gate: (a) absolute thresholds on the challenger, (b) the challenger beats the champion's
 * gate metric by the configured margin, (c) no class's recall drops by more than the limit. (b) and (c) apply only
 * when there is a champion. Every failed rule becomes one reason; passed rules are listed too, for the record. A
 * regression model (no labels) has no accuracy, F1 or recall rules; it is gated on MSE, MAE or R², where for the
 * error metrics beating the champion means being lower by the margin ({@link GateMetric}).
 */
public final class Gate {
    /**
     * @param metric gate metric ({@code auto}, {@code accuracy}, {@code f1}, {@code mse}, {@code mae} or {@code r2})
     * @param minAccuracy absolute accuracy threshold
     * @param minF1 absolute macro-F1 threshold
     * @param marginAbsolute required improvement over the champion, absolute
     * @param marginRelative required improvement as a fraction of the champion's value
     * @param maxRecallDrop largest allowed per-class recall drop
     */
    public record Thresholds(String metric, double minAccuracy, double minF1, double marginAbsolute,
            double marginRelative, double maxRecallDrop) {}

    /** The gate's verdict: passed when {@code failures} is empty. */
    public record Verdict(boolean passed, List<String> failures, List<String> checks) {}

    private final Thresholds t;

    public Gate(Thresholds thresholds) {
        this.t = thresholds;
    }

    /**
     * Judges the challenger's metrics against the thresholds and the champion's metrics (null: no champion).
     *
     * @param labels the models' classes; empty for regression models
     */
    public Verdict judge(Map<String, Double> challenger, Map<String, Double> champion, List<String> labels) {
        List<String> failures = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        boolean regression = labels.isEmpty();
        if (!regression) {
            rule(challenger.get("accuracy") >= t.minAccuracy(), failures, checks,
                    "accuracy %.4f %s min %.4f", challenger.get("accuracy"), t.minAccuracy());
            rule(challenger.get("f1") >= t.minF1(), failures, checks, "f1 %.4f %s min %.4f", challenger.get("f1"),
                    t.minF1());
        }
        if (champion == null) {
            checks.add("no champion: margin and recall rules skipped");
            return new Verdict(failures.isEmpty(), failures, checks);
        }
        String metric = GateMetric.resolve(t.metric(), regression);
        double c = challenger.get(metric);
        double p = champion.get(metric);
        double margin = Math.max(t.marginAbsolute(), t.marginRelative() * Math.abs(p));
        // For MSE and MAE an improvement, and so the margin, is a decrease.
        double gain = GateMetric.improvement(metric, c, p);
        boolean beats = gain >= margin - 1e-12;
        String text = GateMetric.lowerIsBetter(metric)
                ? String.format(Locale.ROOT, "%s %.4f vs champion %.4f (lower is better: improvement %+.4f,"
                        + " required %+.4f)", metric, c, p, gain, margin)
                : String.format(Locale.ROOT, "%s %.4f vs champion %.4f (delta %+.4f, required %+.4f)", metric, c, p,
                        gain, margin);
        (beats ? checks : failures).add(text);
        if (!beats) {
            checks.add(text);
        }
        for (String label : labels) {
            double before = champion.getOrDefault("recall." + label, 0.0);
            double after = challenger.getOrDefault("recall." + label, 0.0);
            if (before - after > t.maxRecallDrop() + 1e-12) {
                String r = String.format(Locale.ROOT, "recall.%s dropped %.4f -> %.4f (max drop %.4f)", label, before,
                        after, t.maxRecallDrop());
                failures.add(r);
                checks.add(r);
            }
        }
        if (!regression) {
            checks.add(String.format(Locale.ROOT, "per-class recall drop limit %.4f checked on %d classes",
                    t.maxRecallDrop(), labels.size()));
        }
        return new Verdict(failures.isEmpty(), failures, checks);
    }

    private static void rule(boolean ok, List<String> failures, List<String> checks, String format, double value,
            double bound) {
        String text = String.format(Locale.ROOT, format, value, ok ? ">=" : "<", bound);
        checks.add(text);
        if (!ok) {
            failures.add(text);
        }
    }
}
