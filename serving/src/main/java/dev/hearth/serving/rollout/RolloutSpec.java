package dev.hearth.serving.rollout;

import dev.hearth.serving.model.ServingPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rollout of one model: an optional canary target with the percentage of requests it answers, and an optional
 * shadow target with the fraction of requests copied to it.
 *
 * @param model the served model
 * @param canary the canary target (weight: percent, 0-100), or null
 * @param shadow the shadow target (weight: fraction, 0-1), or null
 */
public record RolloutSpec(String model, Target canary, Target shadow) {
    /**
     * A version to route to and its weight.
     *
     * @param policy which version: an alias or a pinned version of the same model
     * @param weight percent of requests (canary) or fraction of requests (shadow)
     */
    public record Target(ServingPolicy policy, double weight) {}

    /**
     * Parses rollout entries, {@code name.canary=REF:PERCENT} and {@code name.shadow=REF:FRACTION} where REF is
     * {@code @alias}, {@code /N}, {@code name@alias} or {@code name/N}.
     *
     * @param source where the entries come from, for messages ({@code serving.rollout} or the file)
     * @throws IllegalArgumentException naming the source, the entry and the rule
     */
    public static Map<String, RolloutSpec> parse(String source, Map<String, String> entries) {
        Map<String, Target> canaries = new LinkedHashMap<>();
        Map<String, Target> shadows = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String key = e.getKey().strip();
            boolean canary = key.endsWith(".canary");
            if (!canary && !key.endsWith(".shadow")) {
                throw new IllegalArgumentException(source + " entry '" + key + "=" + e.getValue()
                        + "': the key must be <model>.canary or <model>.shadow");
            }
            String model = key.substring(0, key.length() - (canary ? ".canary" : ".shadow").length());
            Target t = target(source, key, model, e.getValue().strip(), canary);
            (canary ? canaries : shadows).put(t.policy().name(), t);
        }
        Map<String, RolloutSpec> out = new LinkedHashMap<>();
        for (String m : canaries.keySet()) {
            out.put(m, new RolloutSpec(m, canaries.get(m), shadows.get(m)));
        }
        for (String m : shadows.keySet()) {
            out.putIfAbsent(m, new RolloutSpec(m, null, shadows.get(m)));
        }
        return out;
    }

    /** Parses the comma-separated form of {@code serving.rollout}. */
    public static Map<String, RolloutSpec> parseList(String source, String list) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String entry : list.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(source + " entry '" + entry.strip()
                        + "' must be <model>.canary=REF:PERCENT or <model>.shadow=REF:FRACTION");
            }
            if (entries.put(entry.substring(0, eq).strip(), entry.substring(eq + 1)) != null) {
                throw new IllegalArgumentException(
                        source + " lists '" + entry.substring(0, eq).strip() + "' twice");
            }
        }
        return parse(source, entries);
    }

    private static Target target(String source, String key, String model, String value, boolean canary) {
        String rule = canary ? "REF:PERCENT with PERCENT from 0 to 100" : "REF:FRACTION with FRACTION from 0 to 1";
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(
                    source + " entry '" + key + "=" + value + "' must be " + rule + " (REF: @alias or /N)");
        }
        String ref = value.substring(0, colon).strip();
        double weight;
        try {
            weight = Double.parseDouble(value.substring(colon + 1).strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(source + " entry '" + key + "=" + value + "': '"
                    + value.substring(colon + 1).strip() + "' is not a number (" + rule + ")");
        }
        double max = canary ? 100 : 1;
        if (!(weight >= 0 && weight <= max)) {
            throw new IllegalArgumentException(
                    source + " entry '" + key + "=" + value + "': " + weight + " is out of range (" + rule + ")");
        }
        String full = ref.startsWith("@") || ref.startsWith("/") ? model + ref : ref;
        ServingPolicy policy;
        try {
            policy = ServingPolicy.parse(full);
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(source + " entry '" + key + "=" + value + "': REF '" + ref
                    + "' must be @alias or /N (" + ex.getMessage() + ")");
        }
        if (!policy.name().equals(model) || policy.kind() == ServingPolicy.Kind.LATEST) {
            throw new IllegalArgumentException(source + " entry '" + key + "=" + value + "': REF '" + ref
                    + "' must name an alias or a version of '" + model + "' (@alias or /N)");
        }
        return new Target(policy, weight);
    }
}
