package dev.hearth.spark.retrain;

import dev.hearth.config.SettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The champion/challenger gate: (a) absolute thresholds on the challenger, (b) the challenger's gate metric against
 * the champion's within the configured margins, (c) optionally, the difference is significant (McNemar's exact test
 * on the paired predictions), (d) no class's recall drops by more than the limit. (b) to (d) apply only when there
 * is a champion. Every failed rule becomes one reason; passed rules are listed too, for the record.
 *
 * <p>A regression model (no labels) has no accuracy, F1, significance or recall rules: it is gated on MSE, MAE or R²
 * alone, and for the error metrics (MSE, MAE) lower is better, so the margins are measured as the improvement in the
 * metric's good direction, a decrease ({@link GateMetric}). McNemar's test needs right/wrong predictions, which a
 * regression model does not make: a significance level set for one is refused ({@link Thresholds#metricFor}).
 */
public final class Gate {
    /** Slack for comparing metrics computed from counts (0.9 - 0.905 is not exactly -0.005 in binary). */
    private static final double EPS = 1e-12;

    /**
     * @param metric gate metric ({@code auto}, {@code accuracy}, {@code f1}, {@code mse}, {@code mae} or {@code r2})
     * @param minAccuracy absolute accuracy threshold
     * @param minF1 absolute macro-F1 threshold
     * @param margins required change of the gate metric over the champion
     * @param maxRecallDrop largest allowed per-class recall drop
     * @param significance level of the McNemar test the challenger must pass; 0 = not required (still reported);
     *     classification only
     */
    public record Thresholds(
            String metric,
            double minAccuracy,
            double minF1,
            Margins margins,
            double maxRecallDrop,
            double significance) {
        /**
         * The metric to gate a model with this head on, refusing settings that do not apply to the head: a metric
         * of the other head, or a significance level for a regression model.
         *
         * @throws SettingsException naming the setting, its value and the rule
         */
        public String metricFor(boolean regression) {
            String resolved = GateMetric.resolve(metric, regression);
            if (regression && significance > 0) {
                throw new SettingsException(RetrainSettings.GATE_SIGNIFICANCE + " is " + significance
                        + " but the significance test (McNemar's, on the rows only one model got right) applies to"
                        + " classification only; set it to 0 for a regression model");
            }
            return resolved;
        }
    }

    /**
     * How much better (positive) or at most how much worse (negative, a tolerance) the challenger's gate metric must
     * be than the champion's, in the metric's good direction (for MSE and MAE a decrease). Each margin that is set is a rule of its own, so both hold: the larger one decides.
     * A required change of exactly 0 (also when neither is set) means strictly better: a tie is rejected, because
     * promoting an equal model only churns the alias.
     *
     * @param absolute required change in metric units (e.g. 0.005, or -0.005 to accept up to 0.5 points worse)
     * @param relative required change as a fraction of the champion's absolute value (e.g. 0.01 = 1% better)
     */
    public record Margins(OptionalDouble absolute, OptionalDouble relative) {
        /** No margin set: the challenger must be strictly better. */
        public static Margins none() {
            return new Margins(OptionalDouble.empty(), OptionalDouble.empty());
        }

        /** The required change against a champion value {@code champion}. */
        public double required(double champion) {
            double r = Double.NEGATIVE_INFINITY;
            if (absolute.isPresent()) {
                r = absolute.getAsDouble();
            }
            if (relative.isPresent()) {
                r = Math.max(r, relative.getAsDouble() * Math.abs(champion));
            }
            return r == Double.NEGATIVE_INFINITY ? 0 : r;
        }

        /** Whether a change of {@code delta} satisfies the requirement {@code required}. */
        static boolean satisfied(double delta, double required) {
            return required == 0 ? delta > EPS : delta >= required - EPS;
        }
    }

    /**
     * The paired comparison on the evaluation rows, as reported.
     *
     * @param test the test's name
     * @param challengerOnlyRight rows only the challenger got right
     * @param championOnlyRight rows only the champion got right
     * @param pValue two-sided p-value
     * @param alpha the required level (0 = not required)
     */
    public record Significance(
            String test, long challengerOnlyRight, long championOnlyRight, double pValue, double alpha) {
        /** Plain map form, for the model's provenance. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("test", test);
            m.put("challengerOnlyRight", challengerOnlyRight);
            m.put("championOnlyRight", championOnlyRight);
            m.put("pValue", pValue);
            m.put("alpha", alpha);
            return m;
        }
    }

    /** The gate's verdict: passed when {@code failures} is empty; {@code significance} is null without a champion. */
    public record Verdict(boolean passed, List<String> failures, List<String> checks, Significance significance) {}

    private final Thresholds t;

    public Gate(Thresholds thresholds) {
        this.t = thresholds;
    }

    /** Judges without paired predictions (a required significance test then fails). */
    public Verdict judge(Map<String, Double> challenger, Map<String, Double> champion, List<String> labels) {
        return judge(challenger, champion, labels, null);
    }

    /**
     * Judges the challenger's metrics against the thresholds and the champion's metrics (null: no champion).
     *
     * @param labels the models' classes; empty for regression models
     * @param paired rows only one of challenger (first) and champion got right, or null when not available (always
     *     for regression models)
     * @throws SettingsException when a setting does not apply to the models' head ({@link Thresholds#metricFor})
     */
    public Verdict judge(
            Map<String, Double> challenger,
            Map<String, Double> champion,
            List<String> labels,
            ChampionChallengerEvaluator.Discordant paired) {
        boolean regression = labels.isEmpty();
        String metric = t.metricFor(regression);
        List<String> failures = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        if (regression) {
            if (champion == null) {
                checks.add("no champion: margin rule skipped");
            } else {
                margin(metric, challenger.get(metric), champion.get(metric), failures, checks);
            }
            return new Verdict(failures.isEmpty(), failures, checks, null);
        }
        rule(
                challenger.get("accuracy") >= t.minAccuracy(),
                failures,
                checks,
                "accuracy %.4f %s min %.4f",
                challenger.get("accuracy"),
                t.minAccuracy());
        rule(
                challenger.get("f1") >= t.minF1(),
                failures,
                checks,
                "f1 %.4f %s min %.4f",
                challenger.get("f1"),
                t.minF1());
        List<String> absent = zeroSupport(challenger, labels);
        if (!absent.isEmpty()) {
            checks.add(String.format(
                    Locale.ROOT,
                    "macro averages over %d of %d classes; no evaluation rows for %s",
                    labels.size() - absent.size(),
                    labels.size(),
                    absent));
        }
        if (champion == null) {
            checks.add("no champion: margin, significance and recall rules skipped");
            return new Verdict(failures.isEmpty(), failures, checks, null);
        }
        margin(metric, challenger.get(metric), champion.get(metric), failures, checks);
        Significance significance = significance(paired, failures, checks);
        recall(challenger, champion, labels, absent, failures, checks);
        return new Verdict(failures.isEmpty(), failures, checks, significance);
    }

    private void margin(String metric, double c, double p, List<String> failures, List<String> checks) {
        double required = t.margins().required(p);
        // The change in the metric's good direction: for MSE and MAE an improvement is a decrease.
        double gain = GateMetric.improvement(metric, c, p);
        boolean ok = Margins.satisfied(gain, required);
        String need = required == 0
                ? "> 0: strictly better, a tie is rejected"
                : String.format(Locale.ROOT, ">= %+.4f", required);
        String text = GateMetric.lowerIsBetter(metric)
                ? String.format(
                        Locale.ROOT,
                        "%s %.4f vs champion %.4f (lower is better: improvement %+.4f," + " required %s)",
                        metric,
                        c,
                        p,
                        gain,
                        need)
                : String.format(
                        Locale.ROOT, "%s %.4f vs champion %.4f (delta %+.4f, required %s)", metric, c, p, gain, need);
        checks.add(text);
        if (!ok) {
            failures.add(text);
        }
    }

    private Significance significance(
            ChampionChallengerEvaluator.Discordant paired, List<String> failures, List<String> checks) {
        if (paired == null) {
            if (t.significance() > 0) {
                String text = "significance test required (level " + t.significance()
                        + ") but no paired predictions of challenger and champion are available";
                checks.add(text);
                failures.add(text);
            }
            return null;
        }
        long challengerOnly = paired.onlyFirstRight();
        long championOnly = paired.onlyOtherRight();
        double p = McNemar.pValue(challengerOnly, championOnly);
        String counts = String.format(
                Locale.ROOT, "challenger alone right on %d rows, champion alone on %d", challengerOnly, championOnly);
        if (t.significance() <= 0) {
            checks.add(String.format(Locale.ROOT, "McNemar exact p %.4g (%s; not required)", p, counts));
        } else {
            boolean significant = p < t.significance();
            boolean ok = significant && challengerOnly > championOnly;
            String text = String.format(
                    Locale.ROOT,
                    "McNemar exact p %.4g %s %s%s (%s)",
                    p,
                    significant ? "<" : ">=",
                    t.significance(),
                    ok ? "" : significant ? " but in the champion's favour" : ": the difference may be noise",
                    counts);
            checks.add(text);
            if (!ok) {
                failures.add(text);
            }
        }
        return new Significance("mcnemar-exact", challengerOnly, championOnly, p, t.significance());
    }

    private void recall(
            Map<String, Double> challenger,
            Map<String, Double> champion,
            List<String> labels,
            List<String> absent,
            List<String> failures,
            List<String> checks) {
        for (String label : labels) {
            if (absent.contains(label)) {
                continue;
            }
            double before = champion.getOrDefault("recall." + label, 0.0);
            double after = challenger.getOrDefault("recall." + label, 0.0);
            if (before - after > t.maxRecallDrop() + EPS) {
                String r = String.format(
                        Locale.ROOT,
                        "recall.%s dropped %.4f -> %.4f (max drop %.4f)",
                        label,
                        before,
                        after,
                        t.maxRecallDrop());
                failures.add(r);
                checks.add(r);
            }
        }
        checks.add(String.format(
                Locale.ROOT,
                "per-class recall drop limit %.4f checked on %d classes",
                t.maxRecallDrop(),
                labels.size() - absent.size()));
    }

    /** Classes the evaluation rows do not contain ({@code support.<label>} is 0). */
    private static List<String> zeroSupport(Map<String, Double> metrics, List<String> labels) {
        List<String> out = new ArrayList<>();
        for (String label : labels) {
            Double support = metrics.get("support." + label);
            if (support != null && support == 0) {
                out.add(label);
            }
        }
        return out;
    }

    private static void rule(
            boolean ok, List<String> failures, List<String> checks, String format, double value, double bound) {
        String text = String.format(Locale.ROOT, format, value, ok ? ">=" : "<", bound);
        checks.add(text);
        if (!ok) {
            failures.add(text);
        }
    }
}
