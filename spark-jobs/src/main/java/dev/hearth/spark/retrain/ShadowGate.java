package dev.hearth.spark.retrain;

import dev.hearth.config.SettingsException;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ShadowSummaries;
import dev.hearth.store.ShadowSummary;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The live-traffic rule of the gate: before a challenger replaces the champion, the serving replicas must have
 * shadowed enough requests from the champion to it, and (classification) agreed on enough of the rows. The counts
 * come from the summaries every replica persists in the store ({@link ShadowSummaries}, one file per replica),
 * merged for the pair champion → challenger.
 */
public final class ShadowGate {
    /**
     * @param minAgreement least share of shadowed rows with the same argmax; empty = not required
     * @param minRequests least number of shadowed requests (1 when only an agreement is required)
     * @param alias the alias a challenger waits on while it is shadowed
     */
    public record Rule(OptionalDouble minAgreement, long minRequests, String alias) {
        /** Validates the settings ({@code retrain.gate.*shadow*}); the alias must differ from the promote alias. */
        public static Rule of(OptionalDouble minAgreement, long minRequests, String alias, String promoteAlias) {
            if (minRequests < 0) {
                throw new SettingsException(
                        RetrainSettings.GATE_MIN_SHADOW_REQUESTS + " must be >= 0 but was " + minRequests);
            }
            ModelNames.validate(RetrainSettings.GATE_SHADOW_ALIAS, alias);
            Rule r = new Rule(minAgreement, minAgreement.isPresent() ? Math.max(1, minRequests) : minRequests, alias);
            if (r.enabled() && alias.equals(promoteAlias)) {
                throw new SettingsException(RetrainSettings.GATE_SHADOW_ALIAS + " must differ from "
                        + RetrainSettings.PROMOTE_ALIAS + " but both are '" + alias + "'");
            }
            return r;
        }

        /** Whether any live-traffic requirement is set. */
        public boolean enabled() {
            return minAgreement.isPresent() || minRequests > 0;
        }
    }

    /**
     * The rule's verdict.
     *
     * @param passed whether the challenger may be promoted
     * @param awaiting true when only the number of shadowed requests is short (more traffic may pass it later)
     * @param text the check, with the numbers
     */
    public record Verdict(boolean passed, boolean awaiting, String text) {}

    private ShadowGate() {}

    /** Judges the pair {@code champion -> challenger} on the merged summaries of {@code model}. */
    public static Verdict judge(Rule rule, ShadowSummaries summaries, String model, int champion, int challenger) {
        List<ShadowSummary> all = summaries.read(model);
        ShadowSummary.Pair pair = ShadowSummary.merged(all, champion, challenger);
        long requests = pair == null ? 0 : pair.requests();
        String where = String.format(
                Locale.ROOT,
                "%s/%d -> %s/%d over %d replica summaries",
                model,
                champion,
                model,
                challenger,
                all.size());
        if (requests < rule.minRequests()) {
            return new Verdict(
                    false,
                    true,
                    String.format(
                            Locale.ROOT,
                            "shadow: %d requests shadowed %s, need at least %d (%s)",
                            requests,
                            where,
                            rule.minRequests(),
                            RetrainSettings.GATE_MIN_SHADOW_REQUESTS));
        }
        if (rule.minAgreement().isEmpty()) {
            return new Verdict(
                    true,
                    false,
                    String.format(
                            Locale.ROOT, "shadow: %d requests shadowed %s >= %d", requests, where, rule.minRequests()));
        }
        if (pair.regression()) {
            return new Verdict(
                    false,
                    false,
                    "shadow: " + RetrainSettings.GATE_MIN_SHADOW_AGREEMENT
                            + " applies to classification only, but " + where
                            + " compared regression outputs (mean absolute"
                            + " difference " + pair.meanAbsDiff() + "); unset it for a regression model");
        }
        double min = rule.minAgreement().getAsDouble();
        boolean ok = pair.agreement() >= min;
        return new Verdict(
                ok,
                false,
                String.format(
                        Locale.ROOT,
                        "shadow: agreement %.4f %s min %.4f on %d rows of %d requests %s",
                        pair.agreement(),
                        ok ? ">=" : "<",
                        min,
                        pair.rows(),
                        requests,
                        where));
    }
}
